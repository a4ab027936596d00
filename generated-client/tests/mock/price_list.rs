//! The operations only the price list documents have no doc example, so no
//! conformance case: each is called here through the typed client against
//! the mock, which checks the request against the spec's tables (method,
//! path, parameters, body) and answers with an empty envelope.

use agora_chat::mock::MockServer;

#[tokio::test]
async fn every_price_list_operation_sends_what_the_spec_describes() {
    let mock = MockServer::start().await;
    let client = mock.client();
    client.chatroom_members().join("room-1").await.unwrap();
    client.chatroom_members().leave("room-1").await.unwrap();
    client.chatroom_members().get_role("room-1").await.unwrap();
    client
        .contacts()
        .accept_request("alice", "bob")
        .await
        .unwrap();
    client
        .contacts()
        .decline_request("alice", "carol")
        .await
        .unwrap();
    client.contacts().list_roster("alice").await.unwrap();
    client.group_members().get_role("group-1").await.unwrap();
    client.group_members().apply("group-1").await.unwrap();
    client
        .group_members()
        .review_application("group-1")
        .await
        .unwrap();
    client.group_members().leave("group-1").await.unwrap();
    client.group_members().invite("group-1").await.unwrap();
    client
        .group_members()
        .answer_invitation("group-1")
        .await
        .unwrap();

    let seen: Vec<Option<&str>> = mock.calls().iter().map(|c| c.operation).collect();
    assert_eq!(
        seen,
        [
            "join_chatroom",
            "leave_chatroom",
            "get_chatroom_role",
            "accept_contact_request",
            "decline_contact_request",
            "list_roster",
            "get_group_role",
            "apply_to_join_group",
            "review_group_application",
            "leave_group",
            "invite_to_group",
            "answer_group_invitation",
        ]
        .map(Some)
    );
    // Fails on any request that breaks the spec.
    mock.verify();
}
