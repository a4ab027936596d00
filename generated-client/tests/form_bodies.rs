//! Form-encoded bodies (`set_user_attributes`): the wire format, the
//! open-ended `attribute` pairs, and the names they may not use.

mod support;

use agora_chat::ValidationErrorKind;
use support::{MockApi, validation};

async fn server() -> MockApi {
    MockApi::start(200, r#"{"data": {"nickname": "Ann"}}"#).await
}

#[tokio::test]
async fn standard_and_custom_attributes_go_out_as_one_form() {
    let api = server().await;
    let response = api
        .client()
        .user_attributes()
        .set("u1")
        .nickname("Ann & Bo=1")
        .gender(2)
        .attribute("level", "3")
        .attribute("motto", "déjà vu + more")
        .await
        .expect("the call succeeds");
    assert_eq!(response["nickname"], "Ann");

    let requests = api.requests().await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(
        request.url.path(),
        format!("/{}/{}/metadata/user/u1", support::ORG, support::APP)
    );
    assert_eq!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    assert_eq!(
        pairs,
        [
            ("nickname".to_owned(), "Ann & Bo=1".to_owned()),
            ("gender".to_owned(), "2".to_owned()),
            ("level".to_owned(), "3".to_owned()),
            ("motto".to_owned(), "déjà vu + more".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_standard_key_given_as_a_custom_attribute_is_rejected_before_sending() {
    let api = server().await;
    let err = validation(
        api.client()
            .user_attributes()
            .set("u1")
            .attribute("nickname", "Ann")
            .await,
    );
    assert_eq!(err.field, r#"attribute("nickname")"#);
    assert_eq!(err.kind, ValidationErrorKind::DeclaredField);
    assert!(err.to_string().contains("its own method"), "{err}");
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn an_empty_attribute_name_is_rejected_before_sending() {
    let api = server().await;
    let err = validation(
        api.client()
            .user_attributes()
            .set("u1")
            .attribute("", "x")
            .await,
    );
    assert_eq!(err.kind, ValidationErrorKind::Empty);
    assert!(api.requests().await.is_empty());
}
