//! Runs `examples/first_program.rs` against a local server that answers each
//! of its operations with the operation's doc example, and an unknown user
//! with Agora's 404: the newcomer's program works as written.

use agora_chat_generator::path::PathTemplate;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

#[path = "../examples/first_program.rs"]
#[allow(dead_code)] // the example's `main`; the test calls `run`
mod program;

mod support;

/// The operations the program calls.
const CALLED: &[&str] = &[
    "register_user",
    "get_user",
    "create_chatroom",
    "add_chatroom_members",
    "list_chatroom_members",
    "send_chatroom_message",
    "upload_chat_file",
    "get_groups",
];

/// A request to one operation: its method and any path its template fits.
struct Route {
    method: String,
    template: PathTemplate,
}

impl Match for Route {
    fn matches(&self, request: &Request) -> bool {
        let prefix = format!("/{}/{}", support::ORG, support::APP);
        request.method.as_str() == self.method
            && request
                .url
                .path()
                .strip_prefix(&prefix)
                .is_some_and(|rest| self.template.matches(rest))
    }
}

#[tokio::test]
async fn the_first_program_runs_as_written() {
    let server = MockServer::start().await;
    let not_found = serde_json::json!({
        "error": "service_resource_not_found",
        "error_description": "Service resource not found",
    });
    Mock::given(method("GET"))
        .and(path(format!(
            "/{}/{}/users/nobody",
            support::ORG,
            support::APP
        )))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found))
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;

    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
    let ir = agora_chat_generator::load_ir(std::path::Path::new(spec)).expect("the spec loads");
    for id in CALLED {
        let (_, op) = ir
            .operations()
            .find(|(_, op)| op.id == *id)
            .unwrap_or_else(|| panic!("no operation `{id}` in the spec"));
        let example = op
            .examples
            .first()
            .unwrap_or_else(|| panic!("`{id}` has no doc example"));
        Mock::given(Route {
            method: op.method.as_str().to_string(),
            template: op.path.clone(),
        })
        .respond_with(
            ResponseTemplate::new(example.response.status)
                .insert_header("content-type", "application/json")
                .set_body_string(example.response.body.clone()),
        )
        .with_priority(2)
        .expect(1..)
        .named(*id)
        .mount(&server)
        .await;
    }

    let client = support::local_client(&server.uri());
    let report = program::run(&client, "66425017180161")
        .await
        .expect("every call succeeds");
    assert!(
        report.contains("refused: `create_chatroom`: invalid `name`"),
        "{report}"
    );
    assert!(report.ends_with("nobody is not a user"), "{report}");
    server.verify().await;
}
