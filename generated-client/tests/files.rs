//! Downloads are streamed, not buffered: the caller sees the announced size
//! and type before reading, and reads the body chunk by chunk.

mod support;

use agora_chat::{Client, Error};
use futures_util::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SIZE: usize = 1024 * 1024;

async fn serve_file(server: &MockServer, status: u16) {
    let file_path = format!(
        "/{}/{}/chatgroups/g1/share_files/f1",
        support::ORG,
        support::APP
    );
    Mock::given(method("GET"))
        .and(path(file_path))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(vec![7u8; SIZE], "application/pdf"),
        )
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> Client {
    support::local_client(&server.uri())
}

#[tokio::test]
async fn a_download_announces_its_size_and_type_and_streams_in_chunks() {
    let server = MockServer::start().await;
    serve_file(&server, 200).await;
    let download = client(&server)
        .group_files()
        .download("g1", "f1")
        .await
        .expect("download starts");
    assert_eq!(download.content_length(), Some(SIZE as u64));
    assert_eq!(download.content_type(), Some("application/pdf"));

    let mut chunks = 0;
    let mut total = 0;
    let mut stream = download.into_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk reads");
        assert!(chunk.iter().all(|b| *b == 7));
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total, SIZE);
    assert!(
        chunks > 1,
        "a 1 MiB body arrives in several chunks, got {chunks}"
    );
}

#[tokio::test]
async fn a_failed_download_is_an_api_error_not_a_file() {
    let server = MockServer::start().await;
    serve_file(&server, 404).await;
    match client(&server).group_files().download("g1", "f1").await {
        Err(Error::Api(e)) => assert_eq!(e.status().as_u16(), 404),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_file_is_an_error_naming_its_path_that_fits_question_mark() {
    async fn upload(path: &str) -> Result<agora_chat::UploadFile, agora_chat::Error> {
        let file = agora_chat::UploadFile::from_path(path).await?;
        Ok(file)
    }
    let missing = std::env::temp_dir().join("agora-chat-no-such-file.txt");
    let error = upload(missing.to_str().unwrap()).await.unwrap_err();
    match &error {
        agora_chat::Error::File(e) => {
            assert_eq!(e.path(), missing);
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Error::File, got {other:?}"),
    }
    assert!(
        error.to_string().contains("agora-chat-no-such-file.txt"),
        "{error}"
    );
}
