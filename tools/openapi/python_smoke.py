"""Smoke test of the Python client that openapi-python-client generated from
our openapi.yaml: it must import, and three operations must round-trip
through a prism mock (prism rejects requests that break the document).

usage: python python_smoke.py GENERATED_DIR PRISM_URL
"""

import sys


def main() -> None:
    generated_dir, prism_url = sys.argv[1:3]
    sys.path.insert(0, generated_dir)

    from agora_chat_client import AuthenticatedClient
    from agora_chat_client.api.chatroom_members import list_chatroom_admins
    from agora_chat_client.api.chatrooms import create_chatroom, get_chatroom_announcement
    from agora_chat_client.models import (
        CreateChatroomBody,
        CreateChatroomResponse,
        GetChatroomAnnouncementResponse,
        ListChatroomAdminsResponse,
    )

    client = AuthenticatedClient(base_url=f"{prism_url}/demo-org/demo-app", token="test-token")
    calls = [
        (
            "create_chatroom",
            create_chatroom.sync_detailed(
                client=client,
                body=CreateChatroomBody(name="room", description="desc", owner="user1"),
            ),
            CreateChatroomResponse,
        ),
        (
            "get_chatroom_announcement",
            get_chatroom_announcement.sync_detailed(chatroom_id="XXXX", client=client),
            GetChatroomAnnouncementResponse,
        ),
        (
            "list_chatroom_admins",
            list_chatroom_admins.sync_detailed(chatroom_id="XXXX", client=client),
            ListChatroomAdminsResponse,
        ),
    ]
    failed = 0
    for name, response, expected in calls:
        ok = response.status_code == 200 and isinstance(response.parsed, expected)
        print(f"{name}: HTTP {int(response.status_code)} -> {type(response.parsed).__name__}")
        if not ok:
            print(f"  unexpected: {response.content[:300]!r}")
            failed += 1
    print(f"{len(calls) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
