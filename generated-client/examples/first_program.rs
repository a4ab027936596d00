//! A first program, as a newcomer would write it from the rustdoc: register
//! and fetch a user, create a chat room, add members and stream them, send
//! a text message to the room, upload a file and send it as a file message,
//! fetch one group, and handle a validation error and a 404.
//!
//! ```sh
//! AGORA_HOST=a41.chat.agora.io AGORA_ORG=my-org AGORA_APP=my-app \
//! AGORA_APP_TOKEN=... cargo run -p agora-chat --example first_program -- GROUP_ID
//! ```
//!
//! The crate's test `first_program` runs [`run`] against a local server.

use agora_chat::messages::MessageContent;
use agora_chat::{Client, Error, UploadFile};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let setting = |name: &str| std::env::var(name).unwrap_or_default();
    let client = Client::builder(
        setting("AGORA_HOST"),
        setting("AGORA_ORG"),
        setting("AGORA_APP"),
    )
    .bearer_token(setting("AGORA_APP_TOKEN"))
    .build()?;
    let group_id = std::env::args().nth(1).unwrap_or_else(|| "1".to_string());
    let report = run(&client, &group_id).await?;
    println!("{report}");
    Ok(())
}

/// The ten calls; returns one line saying what they did.
pub async fn run(client: &Client, group_id: &str) -> Result<String, Error> {
    // 1, 2: register a user, then fetch the account again.
    let alice = client
        .users()
        .register("alice")
        .password("wonderland")
        .await?;
    let fetched = client.users().get(&alice.username).await?;

    // 3: a chat room owned by the new user.
    let room = client
        .chatrooms()
        .create("Tea party", "Unbirthday planning", &fetched.username)
        .maxusers(50)
        .await?;

    // 4, 5: add two members, then stream every member page by page.
    client
        .chatroom_members()
        .add_many(&room.id, ["hatter", "hare"])
        .await?;
    let members = client
        .chatroom_members()
        .list(&room.id)
        .into_stream()
        .collect_all()
        .await?;

    // 6: a text message to the room.
    client
        .messages()
        .send_to_chatrooms(&room.id, MessageContent::text("Welcome!"))
        .from(&alice.username)
        .await?;

    // 7, 8: upload a file readable only with its secret, and send it.
    let menu = UploadFile::from_bytes("menu.txt", "tea, cake").content_type("text/plain");
    let uploaded = client
        .chat_files()
        .upload(menu)
        .restrict_access(true)
        .await?;
    let url = format!("{}/chatfiles/{}", client.base_url(), uploaded.uuid);
    let mut content = MessageContent::file(url, "menu.txt");
    if let Some(secret) = &uploaded.share_secret {
        content = content.secret(secret.clone());
    }
    client
        .messages()
        .send_to_chatrooms(&room.id, content)
        .from(&alice.username)
        .await?;

    // 9: one group (the operation takes one id or a list).
    let groups = client.groups().get(group_id).await?;

    // 10: a name over the documented 128 characters never leaves the
    // process; an unknown user is a 404.
    let refused = match client
        .chatrooms()
        .create("x".repeat(200), "-", "alice")
        .await
    {
        Err(Error::Validation(e)) => format!("{e}"),
        other => format!("unexpected: {other:?}"),
    };
    let missing = match client.users().get("nobody").await {
        Err(e) if e.is_not_found() => "nobody is not a user".to_string(),
        other => format!("unexpected: {other:?}"),
    };

    Ok(format!(
        "room {} with {} members; {} group(s) found; refused: {refused}; {missing}",
        room.id,
        members.len(),
        groups.len()
    ))
}
