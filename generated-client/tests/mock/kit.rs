//! The kit's behaviour: typed expectations and responses, errors, 429s,
//! delays, recorded calls, unmet expectations, pagination, and the checks
//! that catch requests built by hand.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use agora_chat::mock::{MOCK_APP, MOCK_ORG, MOCK_TOKEN, MockServer, Problem};
use agora_chat::users::UserDetails;
use agora_chat::{Error, ErrorCode};

fn user(name: &str) -> UserDetails {
    UserDetails {
        uuid: format!("uuid-{name}"),
        username: name.to_owned(),
        ..Default::default()
    }
}

/// The base of raw requests: `http://127.0.0.1:<port>/mock-org/mock-app`.
fn base(mock: &MockServer) -> String {
    format!("{}/{MOCK_ORG}/{MOCK_APP}", mock.uri())
}

#[tokio::test]
async fn expectations_match_typed_calls_and_answer_typed_values() {
    let mock = MockServer::start().await;
    mock.users()
        .get()
        .when(|call| call.username == "alice")
        .respond(user("alice"));
    let client = mock.client();
    let alice = client
        .users()
        .get("alice")
        .await
        .expect("alice is answered");
    assert_eq!(alice.uuid, "uuid-alice");
    // No expectation matches bob: the doc example's response answers.
    let other = client
        .users()
        .get("bob")
        .await
        .expect("the default response");
    assert_ne!(other.uuid, "uuid-alice");
    let calls = mock.users().get().calls();
    let names: Vec<&str> = calls.iter().map(|c| c.username.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    mock.verify();
}

#[tokio::test]
async fn body_fields_are_matched_typed() {
    let mock = MockServer::start().await;
    mock.chatrooms()
        .create()
        .when(|call| call.owner == "alice" && call.maxusers == Some(50))
        .respond(agora_chat::chatrooms::CreateChatroomData {
            id: "room-1".into(),
            ..Default::default()
        });
    let room = mock
        .client()
        .chatrooms()
        .create("room", "a room", "alice")
        .maxusers(50)
        .await
        .expect("answered");
    assert_eq!(room.id, "room-1");
    let calls = mock.chatrooms().create().calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "room");
}

#[tokio::test]
async fn agora_errors_carry_their_code_and_documented_status() {
    let mock = MockServer::start().await;
    mock.users()
        .get()
        .respond_error(ErrorCode::ServiceResourceNotFound, "no such user");
    match mock.client().users().get("carol").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status().as_u16(), 404);
            assert_eq!(e.code(), Some(&ErrorCode::ServiceResourceNotFound));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_by_the_client() {
    let mock = MockServer::start().await;
    mock.users().get().times(1).rate_limited(Duration::ZERO);
    let user = mock.client().users().get("dave").await;
    assert!(user.is_ok(), "{user:?}");
    let calls = mock.calls();
    assert_eq!(calls.len(), 2, "the 429, then the retry");
    mock.verify();
}

#[tokio::test]
async fn a_delay_longer_than_the_timeout_times_out() {
    let mock = MockServer::start().await;
    mock.users()
        .get()
        .delay(Duration::from_secs(30))
        .respond(user("erin"));
    let result = mock
        .client()
        .users()
        .get("erin")
        .timeout(Duration::from_millis(50))
        .await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn unmet_expectations_fail_verify_and_drop() {
    let mock = MockServer::start().await;
    mock.users().get().times(2).respond(user("frank"));
    mock.users().delete().respond_default();
    mock.client().users().get("frank").await.expect("answered");
    let problems = mock.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(matches!(
        &problems[0],
        Problem::Unmet {
            operation: "get_user",
            matched: 1,
            ..
        }
    ));
    assert!(problems[1].to_string().contains("`delete_user`"));
    let verify = std::panic::catch_unwind(AssertUnwindSafe(|| mock.verify()));
    assert!(verify.is_err(), "verify fails on unmet expectations");
    let dropped = std::panic::catch_unwind(AssertUnwindSafe(move || drop(mock)));
    assert!(dropped.is_err(), "dropping the server fails the test");
}

#[tokio::test]
async fn a_request_breaking_a_documented_limit_is_rejected() {
    let mock = MockServer::start().await;
    // Built by hand, as code without the typed client would: a name of 200
    // characters, where the docs allow 128.
    let body = serde_json::json!({
        "name": "x".repeat(200),
        "description": "d",
        "owner": "alice",
    });
    let response = reqwest::Client::new()
        .post(format!("{}/chatrooms", base(&mock)))
        .bearer_auth(MOCK_TOKEN)
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 400);
    let violations = mock.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].operation.as_deref(), Some("create_chatroom"));
    assert_eq!(violations[0].field, "name");
    assert!(
        violations[0].to_string().contains("at most 128"),
        "{}",
        violations[0]
    );
}

#[tokio::test]
async fn a_wrong_field_name_from_a_raw_client_is_rejected() {
    let mock = MockServer::start().await;
    let body = serde_json::json!({
        "name": "room",
        "description": "d",
        "ownr": "alice",
    });
    let response = reqwest::Client::new()
        .post(format!("{}/chatrooms", base(&mock)))
        .bearer_auth(MOCK_TOKEN)
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status().as_u16(), 400);
    let text = response.text().await.expect("an error body");
    assert!(text.contains("ownr"), "{text}");
    let violations = mock.take_violations();
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["owner", "ownr"], "{violations:?}");
    assert!(
        violations
            .iter()
            .all(|v| v.operation.as_deref() == Some("create_chatroom"))
    );
}

#[tokio::test]
async fn wrong_query_parameters_methods_and_content_types_are_rejected() {
    let mock = MockServer::start().await;
    let http = reqwest::Client::new();
    let cases = [
        // `limit` is an integer of 1 to 100.
        (
            http.get(format!("{}/users?limit=500", base(&mock))),
            "list_users",
            "limit",
        ),
        // A misspelled query parameter.
        (
            http.get(format!("{}/users?limt=5", base(&mock))),
            "list_users",
            "limt",
        ),
        // JSON sent as text.
        (
            http.post(format!("{}/chatrooms", base(&mock)))
                .header("content-type", "text/plain")
                .body("{}"),
            "create_chatroom",
            "Content-Type",
        ),
    ];
    for (request, operation, field) in cases {
        let response = request
            .bearer_auth(MOCK_TOKEN)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 400, "{operation} {field}");
        let violations = mock.take_violations();
        assert_eq!(violations[0].operation.as_deref(), Some(operation));
        assert_eq!(violations[0].field, field, "{violations:?}");
    }
    // No bearer token.
    http.get(format!("{}/users/alice", base(&mock)))
        .send()
        .await
        .expect("answered");
    assert_eq!(mock.take_violations()[0].field, "Authorization");
    // A method no operation has on that path.
    let response = http
        .patch(format!("{}/users/alice", base(&mock)))
        .bearer_auth(MOCK_TOKEN)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 404);
    let violations = mock.take_violations();
    assert_eq!(violations[0].operation, None);
    assert!(violations[0].message.contains("get_user"), "{violations:?}");
}

#[tokio::test]
async fn an_erratum_of_the_docs_is_caught() {
    // Two doc examples of send_push_sync spell `subTitle` as `sub_title`
    // (erratum E514): code copying them gets a violation.
    let mock = MockServer::start().await;
    let body = serde_json::json!({
        "strategy": 3,
        "pushMessage": { "title": "t", "content": "c", "sub_title": "s" },
    });
    reqwest::Client::new()
        .post(format!("{}/push/sync/alice", base(&mock)))
        .bearer_auth(MOCK_TOKEN)
        .json(&body)
        .send()
        .await
        .expect("answered");
    let violations = mock.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].field, "pushMessage.sub_title");
}

#[tokio::test]
async fn cursor_pages_are_served_from_a_list() {
    let mock = MockServer::start().await;
    let users: Vec<UserDetails> = (0..25).map(|i| user(&format!("user{i}"))).collect();
    mock.users().list().pages(users.clone());
    let all = mock
        .client()
        .users()
        .list()
        .limit(10)
        .into_stream()
        .collect_all()
        .await
        .expect("every page");
    assert_eq!(all, users);
    let calls = mock.users().list().calls();
    let cursors: Vec<Option<&str>> = calls.iter().map(|c| c.cursor.as_deref()).collect();
    assert_eq!(cursors, [None, Some("10"), Some("20")]);
    mock.verify();
}

#[tokio::test]
async fn numbered_pages_are_served_from_a_list() {
    let mock = MockServer::start().await;
    let members: Vec<agora_chat::group_members::ListGroupMembersItem> = (0..7)
        .map(|i| agora_chat::group_members::ListGroupMembersItem {
            member: Some(format!("member{i}")),
            ..Default::default()
        })
        .collect();
    mock.group_members().list().pages(members.clone());
    let all = mock
        .client()
        .group_members()
        .list("group-1")
        .pagesize(3)
        .into_stream()
        .collect_all()
        .await
        .expect("every page");
    assert_eq!(all, members);
    let pages: Vec<Option<i64>> = mock
        .group_members()
        .list()
        .calls()
        .iter()
        .map(|c| c.pagenum)
        .collect();
    assert_eq!(pages, [Some(1), Some(2), Some(3)]);
}

#[tokio::test]
async fn token_requests_carry_credentials_instead_of_a_bearer_token() {
    let mock = MockServer::start().await;
    let body = serde_json::json!({
        "grant_type": "client_credentials",
        "client_id": "id",
        "client_secret": "secret",
    });
    let response = reqwest::Client::new()
        .post(format!("{}/token", base(&mock)))
        .json(&body)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    let calls = mock.calls();
    assert_eq!(calls[0].operation, Some("create_token_with_credentials"));
    assert_eq!(calls[0].args()["client_id"], "id");
    mock.verify();
}

#[tokio::test]
async fn a_variant_builder_sends_its_optional_fields() {
    use agora_chat::messages::{MessageContent, MessageImageSize};

    let mock = MockServer::start().await;
    let client = mock.client();
    let file = MessageContent::file("https://example.com/chatfiles/f-1", "menu.txt").secret("s-1");
    let image = MessageContent::image("https://example.com/chatfiles/i-1")
        .filename("cake.png")
        .size(MessageImageSize {
            width: Some(640),
            height: Some(480),
            ..Default::default()
        });
    // A builder is passed where the union is taken, without `.into()`.
    for content in [MessageContent::from(file), image.into()] {
        client
            .messages()
            .send_to_users("bob", content)
            .from("alice")
            .await
            .expect("the mock checks the body against the spec and accepts it");
    }
    let sent: Vec<serde_json::Value> = mock
        .messages()
        .send_to_users()
        .calls()
        .into_iter()
        .map(|call| serde_json::to_value(call.body.expect("a body")).expect("encodes"))
        .collect();
    assert_eq!(
        sent,
        [
            serde_json::json!({"type": "file", "body": {
                "url": "https://example.com/chatfiles/f-1", "filename": "menu.txt", "secret": "s-1"
            }}),
            serde_json::json!({"type": "img", "body": {
                "url": "https://example.com/chatfiles/i-1", "filename": "cake.png",
                "size": {"width": 640, "height": 480}
            }}),
        ]
    );
}
