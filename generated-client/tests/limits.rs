//! Documented limits are checked before anything is sent: each bad call gets
//! a validation error naming the field, the limit and the actual size, and
//! the server sees no request at all.

mod support;

use agora_chat::{Error, UploadFile, ValidationErrorKind};
use support::{MockApi, validation};

async fn server() -> MockApi {
    MockApi::start(200, r#"{"data": {}}"#).await
}

#[tokio::test]
async fn room_name_over_128_characters_is_rejected() {
    let api = server().await;
    let name = "n".repeat(129);
    let err = validation(api.client().chatrooms().create(name, "d", "owner1").await);
    assert_eq!(err.field, "name");
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooLong {
            max: 128,
            actual: 129
        }
    );
    assert!(err.to_string().contains("128"), "{err}");
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn room_name_of_128_multibyte_characters_is_accepted() {
    let api = server().await;
    let name = "é".repeat(128);
    let result = api.client().chatrooms().create(name, "d", "owner1").await;
    assert!(!matches!(result, Err(Error::Validation(_))), "{result:?}");
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn sixty_one_usernames_in_a_batch_add_are_rejected() {
    let api = server().await;
    let users: Vec<String> = (0..61).map(|i| format!("user{i}")).collect();
    let err = validation(
        api.client()
            .chatroom_members()
            .add_many("room1", users)
            .await,
    );
    assert_eq!(err.field, "usernames");
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooManyItems {
            max: 60,
            actual: 61
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_slash_in_a_username_is_rejected() {
    let api = server().await;
    let err = validation(api.client().chatroom_members().add("room1", "a/b").await);
    assert_eq!(err.field, "username");
    assert!(
        matches!(err.kind, ValidationErrorKind::InvalidUsername { .. }),
        "{err:?}"
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_bad_username_inside_a_list_is_named_by_index() {
    let api = server().await;
    let err = validation(
        api.client()
            .chatroom_members()
            .add_many("room1", ["ok1", "bad user", "ok2"])
            .await,
    );
    assert_eq!(err.field, "usernames[1]");
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn more_than_100_room_ids_are_rejected() {
    let api = server().await;
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let err = validation(api.client().chatrooms().get(ids).await);
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooManyItems {
            max: 100,
            actual: 101
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn an_id_with_a_slash_cannot_change_the_route() {
    let api = server().await;
    let _ = api.client().chatrooms().delete("a/b?c").await;
    let requests = api.requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url.path(),
        format!("/{}/{}/chatrooms/a%2Fb%3Fc", support::ORG, support::APP)
    );
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn an_empty_id_is_rejected() {
    let api = server().await;
    let err = validation(api.client().chatrooms().delete("").await);
    assert_eq!(err.kind, ValidationErrorKind::Empty);
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_group_file_over_10_mb_is_rejected_before_upload() {
    let api = server().await;
    let too_big = UploadFile::from_bytes("big.bin", vec![0u8; 10 * 1024 * 1024 + 1]);
    let err = validation(api.client().group_files().upload("group1", too_big).await);
    assert_eq!(err.field, "file");
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooLarge {
            max_bytes: 10 * 1024 * 1024,
            actual: 10 * 1024 * 1024 + 1
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_group_file_of_exactly_10_mb_is_sent_with_the_restrict_access_header() {
    let api = server().await;
    let file = UploadFile::from_bytes("ok.bin", vec![1u8; 10 * 1024 * 1024]);
    let _ = api
        .client()
        .group_files()
        .upload("group1", file)
        .restrict_access(true)
        .await;
    let requests = api.requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        support::header(&requests[0], "restrict-access").as_deref(),
        Some("true")
    );
    let content_type = support::header(&requests[0], "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
}

#[tokio::test]
async fn a_presence_ext_over_1024_bytes_is_rejected_even_under_1024_characters() {
    let api = server().await;
    // 342 characters, 1026 bytes of UTF-8.
    let ext = "用".repeat(342);
    let err = validation(
        api.client()
            .presence()
            .set("user1", "android_1", "1", ext)
            .await,
    );
    assert_eq!(err.field, "ext");
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooLarge {
            max_bytes: 1024,
            actual: 1026
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_presence_ext_of_exactly_1024_bytes_is_sent() {
    let api = server().await;
    let _ = api
        .client()
        .presence()
        .set("user1", "android_1", "1", "é".repeat(512))
        .await;
    assert_eq!(api.requests().await.len(), 1);
}

fn attributes(pairs: &[(&str, String)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn a_chatroom_attribute_key_outside_the_documented_charset_is_rejected() {
    let api = server().await;
    let meta = attributes(&[("ok_key", "v".into()), ("bad key", "v".into())]);
    let err = validation(
        api.client()
            .chatroom_attributes()
            .set("room1", "user1", meta)
            .await,
    );
    assert_eq!(err.field, r#"metaData.keys["bad key"]"#);
    assert_eq!(
        err.kind,
        ValidationErrorKind::InvalidCharacter {
            found: ' ',
            allowed_besides_alphanumerics: "_-.".into()
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn eleven_chatroom_attributes_in_one_call_are_rejected() {
    let api = server().await;
    let keys: Vec<String> = (0..11).map(|i| format!("k{i}")).collect();
    let meta: std::collections::BTreeMap<String, String> =
        keys.into_iter().map(|k| (k, "v".to_owned())).collect();
    let err = validation(
        api.client()
            .chatroom_attributes()
            .set("room1", "user1", meta)
            .await,
    );
    assert_eq!(err.field, "metaData");
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooManyItems {
            max: 10,
            actual: 11
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn a_group_member_attribute_value_over_512_bytes_is_rejected() {
    let api = server().await;
    // 171 characters, 513 bytes.
    let meta = attributes(&[("nick", "用".repeat(171))]);
    let err = validation(
        api.client()
            .group_members()
            .set_attributes("group1", "user1", meta)
            .await,
    );
    assert_eq!(err.field, r#"metaData["nick"]"#);
    assert_eq!(
        err.kind,
        ValidationErrorKind::TooLarge {
            max_bytes: 512,
            actual: 513
        }
    );
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn group_member_attributes_at_the_byte_limits_are_sent() {
    let api = server().await;
    let meta = attributes(&[("k".repeat(16).as_str(), "é".repeat(256))]);
    let _ = api
        .client()
        .group_members()
        .set_attributes("group1", "user1", meta)
        .await;
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn a_rejected_argument_names_its_operation() {
    let client = support::local_client("http://127.0.0.1:9");
    let error = support::validation(
        client
            .chatrooms()
            .create("x".repeat(129), "description", "alice")
            .await,
    );
    assert_eq!(error.operation, Some("create_chatroom"));
    assert!(
        error
            .to_string()
            .starts_with("`create_chatroom`: invalid `name`"),
        "{error}"
    );
    // A header is checked by the runtime, and names the operation too.
    let error = support::validation(
        client
            .chatrooms()
            .create("room", "description", "alice")
            .header("host", "evil")
            .await,
    );
    assert_eq!(error.operation, Some("create_chatroom"));
}
