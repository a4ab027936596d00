//! The app server's answer to a pre-delivery callback.

use serde_json::{Map, Value};

/// How much a [`PreDeliveryReply`] may hold.
///
/// The docs give two limits that do not fit together: a reply of at most
/// 1,000 characters, holding a rewritten payload of up to 1 KB (5 KB where
/// Easemob enabled rewriting of other message types). Both are checked, so
/// the reply limit decides in practice; raise the fields where your server
/// is known to accept more.
///
/// ```
/// use agora_chat::webhook::{PreDeliveryReply, ReplyError, ReplyLimits};
/// use serde_json::json;
///
/// let reply = PreDeliveryReply::accept().rewrite(json!({"bodies": [{"type": "txt", "msg": "x".repeat(960)}]}));
/// assert!(matches!(reply.to_json(), Err(ReplyError::TooLong { limit: 1000, .. })));
/// let roomy = ReplyLimits { max_chars: 2000, ..ReplyLimits::DEFAULT };
/// assert!(reply.to_json_with(roomy).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyLimits {
    /// Longest reply body, in characters. Longer answers make the callback
    /// fail: the server treats them as an attack.
    pub max_chars: usize,
    /// Largest rewritten `payload`, in bytes of its JSON text.
    pub payload_max_bytes: usize,
}

impl ReplyLimits {
    /// The documented limits: 1,000 characters for the reply, 1 KB for a
    /// rewritten payload.
    pub const DEFAULT: ReplyLimits = ReplyLimits {
        max_chars: 1000,
        payload_max_bytes: 1024,
    };
}

impl Default for ReplyLimits {
    fn default() -> Self {
        ReplyLimits::DEFAULT
    }
}

/// Priority of a chat room message, set by a pre-delivery reply.
///
/// ```
/// use agora_chat::webhook::{ChatroomMessageLevel, PreDeliveryReply};
///
/// let reply = PreDeliveryReply::accept().chatroom_message_level(ChatroomMessageLevel::High);
/// assert_eq!(reply.to_json().unwrap(), r#"{"valid":true,"chatroom_msg_level":"high"}"#);
/// assert_eq!(ChatroomMessageLevel::Low.as_str(), "low");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatroomMessageLevel {
    /// `high`.
    High,
    /// `normal`.
    Normal,
    /// `low`.
    Low,
}

impl ChatroomMessageLevel {
    /// The value as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatroomMessageLevel::High => "high",
            ChatroomMessageLevel::Normal => "normal",
            ChatroomMessageLevel::Low => "low",
        }
    }
}

/// Why a reply cannot be sent as it is.
///
/// ```
/// use agora_chat::webhook::{PreDeliveryReply, ReplyError};
/// use serde_json::json;
///
/// let e = PreDeliveryReply::accept().rewrite(json!(["not", "an", "object"])).to_json().unwrap_err();
/// assert_eq!(e, ReplyError::PayloadNotObject);
/// assert_eq!(e.to_string(), "the rewritten payload must be a JSON object");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// The rewritten payload is not a JSON object (a callback's `payload`
    /// always is).
    #[error("the rewritten payload must be a JSON object")]
    PayloadNotObject,
    /// The rewritten payload's JSON text is over the limit.
    #[error("the rewritten payload is {bytes} bytes of JSON, more than the {limit} allowed")]
    PayloadTooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The whole reply is over the limit.
    #[error("the reply is {chars} characters, more than the {limit} allowed")]
    TooLong {
        /// Its length.
        chars: usize,
        /// The limit.
        limit: usize,
    },
}

/// The answer to a pre-delivery callback: deliver or reject the message,
/// with an optional error text for the sender and an optional rewritten
/// message. Send it with status 200 and `Content-Type: application/json`.
///
/// Without a valid reply in time the server applies the rule's fallback
/// action, so [`to_json`](Self::to_json) checks the documented limits
/// before anything is sent.
///
/// ```
/// use agora_chat::webhook::{PreDeliveryReply, ReplyError};
/// use serde_json::json;
///
/// assert_eq!(PreDeliveryReply::accept().to_json().unwrap(), r#"{"valid":true}"#);
/// assert_eq!(
///     PreDeliveryReply::reject().code("HX:10000").to_json().unwrap(),
///     r#"{"valid":false,"code":"HX:10000"}"#
/// );
///
/// let masked = json!({"ext": {}, "bodies": [{"type": "txt", "msg": "***"}]});
/// let reply = PreDeliveryReply::accept().rewrite(masked);
/// assert!(reply.to_json().unwrap().starts_with(r#"{"valid":true,"payload":"#));
///
/// let huge = json!({"bodies": [{"type": "txt", "msg": "x".repeat(2000)}]});
/// assert!(matches!(
///     PreDeliveryReply::accept().rewrite(huge).to_json(),
///     Err(ReplyError::PayloadTooLarge { limit: 1024, .. })
/// ));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PreDeliveryReply {
    valid: bool,
    code: Option<String>,
    payload: Option<Value>,
    chatroom_msg_level: Option<ChatroomMessageLevel>,
}

impl PreDeliveryReply {
    /// Deliver the message (`valid: true`).
    pub fn accept() -> Self {
        PreDeliveryReply {
            valid: true,
            code: None,
            payload: None,
            chatroom_msg_level: None,
        }
    }

    /// Reject the message (`valid: false`).
    pub fn reject() -> Self {
        PreDeliveryReply {
            valid: false,
            ..PreDeliveryReply::accept()
        }
    }

    /// The error the sender's client reports, when the rule reports errors.
    /// Without one the client shows `custom logic denied`; an empty code
    /// shows `Message blocked by external logic` on mobile clients.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Deliver this message content instead: the callback's `payload` with
    /// the changes, in the same shape, as JSON ([`rewrite_payload`](Self::rewrite_payload)
    /// takes the typed payload).
    pub fn rewrite(mut self, payload: Value) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Deliver this message instead: the callback's typed payload, changed
    /// where needed. It goes on the wire as it decoded, members the spec
    /// does not describe included (they are kept in its `extra` maps).
    ///
    /// ```
    /// use agora_chat::webhook::{Delivery, Event, MessageBody, PreDeliveryReply, Verifier, sign};
    ///
    /// # let body = format!(
    /// #     r#"{{"callId":"c1","timestamp":1600060847294,"chat_type":"chat","from":"u1","to":"u2","msg_id":"1",
    /// #         "payload":{{"bodies":[{{"type":"txt","msg":"darn it"}}]}},"security":"{}"}}"#,
    /// #     sign("c1", "secret-of-the-rule", "1600060847294")
    /// # );
    /// let verifier = Verifier::new("secret-of-the-rule");
    /// let (_, event) = verifier.verify_event(body.as_bytes(), Delivery::Pre).unwrap();
    /// let Event::PreDeliveryMessage(mut message) = event else { panic!("{event:?}") };
    /// for body in &mut message.payload.bodies {
    ///     if let MessageBody::Txt { msg, .. } = body {
    ///         *msg = msg.replace("darn", "****");
    ///     }
    /// }
    /// let reply = PreDeliveryReply::accept().rewrite_payload(&message.payload);
    /// assert_eq!(
    ///     reply.to_json().unwrap(),
    ///     r#"{"valid":true,"payload":{"bodies":[{"type":"txt","msg":"**** it"}]}}"#
    /// );
    /// ```
    pub fn rewrite_payload(self, payload: &super::MessagePayload) -> Self {
        // A struct of strings, numbers and string-keyed maps always encodes;
        // `Null` would only be refused by `to_json` as not an object.
        self.rewrite(serde_json::to_value(payload).unwrap_or(Value::Null))
    }

    /// The priority of a chat room message.
    pub fn chatroom_message_level(mut self, level: ChatroomMessageLevel) -> Self {
        self.chatroom_msg_level = Some(level);
        self
    }

    /// Whether the message is delivered.
    pub fn is_valid(&self) -> bool {
        self.valid
    }

    /// The reply's JSON text, checked against [`ReplyLimits::DEFAULT`].
    pub fn to_json(&self) -> Result<String, ReplyError> {
        self.to_json_with(ReplyLimits::DEFAULT)
    }

    /// The reply's JSON text, checked against `limits`.
    pub fn to_json_with(&self, limits: ReplyLimits) -> Result<String, ReplyError> {
        let mut object = Map::new();
        object.insert("valid".into(), Value::Bool(self.valid));
        if let Some(code) = &self.code {
            object.insert("code".into(), Value::String(code.clone()));
        }
        if let Some(payload) = &self.payload {
            if !payload.is_object() {
                return Err(ReplyError::PayloadNotObject);
            }
            let bytes = payload.to_string().len();
            if bytes > limits.payload_max_bytes {
                return Err(ReplyError::PayloadTooLarge {
                    bytes,
                    limit: limits.payload_max_bytes,
                });
            }
            object.insert("payload".into(), payload.clone());
        }
        if let Some(level) = self.chatroom_msg_level {
            object.insert("chatroom_msg_level".into(), level.as_str().into());
        }
        let text = Value::Object(object).to_string();
        let chars = text.chars().count();
        if chars > limits.max_chars {
            return Err(ReplyError::TooLong {
                chars,
                limit: limits.max_chars,
            });
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typed_payload_goes_back_as_it_came_unknown_members_included() {
        let sent = json!({
            "bodies": [{"type": "txt", "msg": "hi", "x-body-note": 1}],
            "ext": {"em_ignore_notification": true},
            "from": "u1",
            "to": "u2",
            "x-new-member": ["kept"]
        });
        let payload: crate::webhook::MessagePayload =
            serde_json::from_value(sent.clone()).expect("a documented payload");
        let reply = PreDeliveryReply::accept().rewrite_payload(&payload);
        let text = reply.to_json().expect("within the limits");
        let back: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(back["payload"], sent);
        assert_eq!(back["valid"], json!(true));
    }

    #[test]
    fn members_appear_only_when_set() {
        let full = PreDeliveryReply::reject()
            .code("")
            .rewrite(json!({}))
            .chatroom_message_level(ChatroomMessageLevel::Low);
        assert_eq!(
            full.to_json().unwrap(),
            r#"{"valid":false,"code":"","payload":{},"chatroom_msg_level":"low"}"#
        );
        assert!(!full.is_valid());
        assert!(PreDeliveryReply::accept().is_valid());
    }

    #[test]
    fn limits_are_checked_on_what_is_sent() {
        let text = |n: usize| json!({"bodies": [{"type": "txt", "msg": "x".repeat(n)}]});
        // {"bodies":[{"type":"txt","msg":""}]} is 36 bytes.
        let roomy = ReplyLimits {
            max_chars: 10_000,
            ..ReplyLimits::DEFAULT
        };
        let at_limit = PreDeliveryReply::accept().rewrite(text(1024 - 36));
        assert!(at_limit.to_json_with(roomy).is_ok());
        let over = PreDeliveryReply::accept().rewrite(text(1024 - 35));
        assert_eq!(
            over.to_json_with(roomy),
            Err(ReplyError::PayloadTooLarge {
                bytes: 1025,
                limit: 1024
            })
        );
        // The payload counts in bytes...
        let wide = json!({"bodies": [{"type": "txt", "msg": "禁".repeat(400)}]});
        assert!(matches!(
            PreDeliveryReply::accept().rewrite(wide).to_json_with(roomy),
            Err(ReplyError::PayloadTooLarge { .. })
        ));
        // ...the reply in characters.
        assert!(
            PreDeliveryReply::reject()
                .code("码".repeat(975))
                .to_json()
                .is_ok()
        );
        assert_eq!(
            PreDeliveryReply::reject().code("码".repeat(976)).to_json(),
            Err(ReplyError::TooLong {
                chars: 1001,
                limit: 1000
            })
        );
        // With the documented limits a 1 KB payload fits its own limit but
        // not the reply's.
        assert_eq!(
            at_limit.to_json(),
            Err(ReplyError::TooLong {
                chars: 1049,
                limit: 1000
            })
        );
        assert_eq!(ReplyLimits::default(), ReplyLimits::DEFAULT);
    }

    #[test]
    fn a_payload_must_be_an_object() {
        let reply = PreDeliveryReply::accept().rewrite(json!("text"));
        assert_eq!(reply.to_json(), Err(ReplyError::PayloadNotObject));
    }
}
