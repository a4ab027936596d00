//! Auto-pagination against a local server: the streams follow cursors and
//! page numbers until the end, stop on an empty page or a missing cursor,
//! and surface errors.

mod support;

use agora_chat::{Client, Error};
use futures_util::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    support::local_client(&server.uri())
}

fn rooms(ids: &[&str], cursor: Option<&str>) -> ResponseTemplate {
    let data: Vec<Value> = ids.iter().map(|id| json!({"id": id, "name": id})).collect();
    let mut body = json!({"action": "get", "count": ids.len(), "data": data});
    if let Some(c) = cursor {
        body["cursor"] = c.into();
    }
    ResponseTemplate::new(200).set_body_json(body)
}

async fn mount_room_page(server: &MockServer, cursor: Option<&str>, reply: ResponseTemplate) {
    let rooms_path = format!("/{}/{}/chatrooms", support::ORG, support::APP);
    let mock = Mock::given(method("GET")).and(path(rooms_path));
    let mock = match cursor {
        Some(c) => mock.and(query_param("cursor", c)),
        None => mock.and(query_param_is_missing("cursor")),
    };
    mock.respond_with(reply).expect(1).mount(server).await;
}

#[tokio::test]
async fn cursor_stream_follows_three_pages_to_the_last_page_without_cursor() {
    let server = MockServer::start().await;
    mount_room_page(&server, None, rooms(&["r1", "r2"], Some("c1"))).await;
    mount_room_page(&server, Some("c1"), rooms(&["r3", "r4"], Some("c2"))).await;
    mount_room_page(&server, Some("c2"), rooms(&["r5"], None)).await;

    let client = client(&server);
    let ids: Vec<String> = client
        .chatrooms()
        .list()
        .limit(2)
        .into_stream()
        .map(|room| room.expect("page decodes").id)
        .collect()
        .await;
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.url.query().unwrap_or("").contains("limit=2"))
    );
}

#[tokio::test]
async fn cursor_stream_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    mount_room_page(&server, None, rooms(&["r1"], Some("c1"))).await;
    mount_room_page(&server, Some("c1"), rooms(&[], Some("c2"))).await;

    let items: Vec<_> = client(&server)
        .chatrooms()
        .list()
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn cursor_stream_yields_the_error_of_a_failing_page() {
    let server = MockServer::start().await;
    mount_room_page(&server, None, rooms(&["r1"], Some("c1"))).await;
    let failure = ResponseTemplate::new(404).set_body_json(json!({
        "error": "resource_not_found", "error_description": "gone"
    }));
    mount_room_page(&server, Some("c1"), failure).await;

    let items: Vec<Result<_, Error>> = client(&server)
        .chatrooms()
        .list()
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    match &items[1] {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 404),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn members(names: &[&str]) -> ResponseTemplate {
    let data: Vec<Value> = names.iter().map(|n| json!({"member": n})).collect();
    ResponseTemplate::new(200)
        .set_body_json(json!({"action": "get", "count": names.len(), "data": data}))
}

async fn mount_member_page(server: &MockServer, page: u32, reply: ResponseTemplate) {
    let members_path = format!("/{}/{}/chatrooms/room1/users", support::ORG, support::APP);
    Mock::given(method("GET"))
        .and(path(members_path))
        .and(query_param("pagenum", page.to_string()))
        .and(query_param("pagesize", "2"))
        .respond_with(reply)
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn page_stream_stops_after_a_short_last_page() {
    let server = MockServer::start().await;
    mount_member_page(&server, 1, members(&["a", "b"])).await;
    mount_member_page(&server, 2, members(&["c", "d"])).await;
    mount_member_page(&server, 3, members(&["e"])).await;

    let names: Vec<String> = client(&server)
        .chatroom_members()
        .list("room1")
        .pagesize(2)
        .into_stream()
        .map(|m| m.expect("page decodes").member.unwrap_or_default())
        .collect()
        .await;
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn page_stream_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    mount_member_page(&server, 1, members(&["a", "b"])).await;
    mount_member_page(&server, 2, members(&["c", "d"])).await;
    mount_member_page(&server, 3, members(&[])).await;

    let items: Vec<_> = client(&server)
        .chatroom_members()
        .list("room1")
        .pagesize(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 4);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
