//! Email delivery over a real SMTP conversation with a minimal local server.

use carrel_app::platform::config::{Config, SmtpSecurity};
use carrel_app::platform::mail;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::harness::TestApp;

/// Accepts one SMTP session and returns everything the client sent after DATA.
async fn one_smtp_session(listener: TcpListener) -> String {
    let (socket, _) = listener.accept().await.unwrap();
    let (reader, mut writer) = socket.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 test.local ESMTP\r\n").await.unwrap();
    let mut message = String::new();
    let mut in_data = false;
    while let Some(line) = lines.next_line().await.unwrap() {
        if in_data {
            if line == "." {
                in_data = false;
                writer.write_all(b"250 queued\r\n").await.unwrap();
            } else {
                message.push_str(&line);
                message.push('\n');
            }
            continue;
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250-test.local\r\n250 8BITMIME\r\n",
            "DATA" => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 bye\r\n").await.unwrap();
                break;
            }
            _ => b"250 ok\r\n",
        };
        writer.write_all(reply).await.unwrap();
    }
    message
}

#[tokio::test]
async fn a_queued_message_is_delivered_over_smtp_and_marked_sent() {
    // Arrange
    let app = TestApp::spawn().await;
    mail::enqueue(
        &app.db,
        "ana@example.org",
        "Welcome",
        "Hello Ana,\nwelcome.",
    )
    .await
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(one_smtp_session(listener));
    let mut config = Config::for_data_dir(std::env::temp_dir());
    config.smtp_host = Some("127.0.0.1".into());
    config.smtp_port = port;
    config.smtp_security = SmtpSecurity::None;
    let transport = mail::transport(&config).unwrap().unwrap();
    let from = config.mail_from.parse().unwrap();

    // Act
    let tried = mail::deliver_due(&app.db, &transport, &from).await.unwrap();
    let received = server.await.unwrap();

    // Assert
    assert_eq!(tried, 1);
    assert!(received.contains("Subject: Welcome"), "{received}");
    assert!(received.contains("To: ana@example.org"));
    assert!(received.contains("welcome."));
    let stored = mail::list(&app.db, 10, 0).await.unwrap();
    assert_eq!(stored[0].status, "sent");
    assert_eq!(
        mail::deliver_due(&app.db, &transport, &from).await.unwrap(),
        0,
        "sent once"
    );
}

#[tokio::test]
async fn a_refused_message_stays_queued_with_its_error() {
    let app = TestApp::spawn().await;
    mail::enqueue(&app.db, "ana@example.org", "Welcome", "Hello")
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut config = Config::for_data_dir(std::env::temp_dir());
    config.smtp_host = Some("127.0.0.1".into());
    config.smtp_port = port;
    config.smtp_security = SmtpSecurity::None;
    let transport = mail::transport(&config).unwrap().unwrap();
    let from = config.mail_from.parse().unwrap();

    mail::deliver_due(&app.db, &transport, &from).await.unwrap();

    let stored = &mail::list(&app.db, 10, 0).await.unwrap()[0];
    assert_eq!(stored.status, "queued");
    assert_eq!(stored.attempts, 1);
    assert!(stored.last_error.is_some());
}

#[tokio::test]
async fn many_messages_queued_together_all_reach_the_outbox_across_batches() {
    // Arrange
    let app = TestApp::spawn().await;
    let messages: Vec<mail::Outgoing> = (0..601)
        .map(|n| mail::Outgoing {
            to: format!("coordinator{n}@example.org"),
            subject: format!("Invitation {n}"),
            body: format!("Hello number {n}"),
        })
        .collect();

    // Act
    let queued = mail::enqueue_many(&app.db, &messages).await.unwrap();

    // Assert
    assert_eq!(queued, 601);
    let outbox = mail::list(&app.db, 1000, 0).await.unwrap();
    assert_eq!(outbox.len(), 601);
    let last = app.emails_to("coordinator600@example.org").await;
    assert_eq!(last, ["Hello number 600"]);
    assert!(outbox.iter().all(|m| m.status == "queued"));
}
