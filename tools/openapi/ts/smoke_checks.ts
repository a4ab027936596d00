// What the two TypeScript smoke tests share: the five calls each makes
// against prism, the doc-example values prism answers with, and the checks on
// what each client sent. hey_api_smoke.ts and openapi_fetch_smoke.ts each
// implement `Calls` with their own generated client and hand back the
// response bodies as that client types them; those types must be assignable
// to the shapes below, so a field the client misses, makes optional or types
// otherwise fails tsc, and a wrong value fails a check here.
//
// usage (after tsc): node SMOKE.js BASE_URL, where BASE_URL is prism's
// address plus the /{org_name}/{app_name} it serves.

/** One request a client sent, as it went out. */
export interface Sent {
    method: string;
    url: URL;
    contentType: string | null;
    authorization: string | null;
    body: string;
}

/** Status and body of one response. */
export interface Reply<T> {
    status: number;
    body: T | undefined;
}

// The parts of the response bodies that the checks read. Envelope fields are
// optional and nullable in the document; the ids are required.
export interface CreatedGroup {
    action?: string | null;
    data: { groupid: string };
}
export interface GroupPage {
    count?: number | null;
    cursor?: string | null;
    data: { groupid: string }[];
}
export interface GroupDetails {
    data: { id: string; maxusers?: number | null }[];
}
export interface UploadedGroupFile {
    data: { file_id: string; file_size?: number | null };
}
export interface ErrorBody {
    error: string;
}

/** The file the upload sends, as text so that both clients can take it. */
export interface UploadedFile {
    name: string;
    content: string;
}

/** The five operations, each called through one generated client. */
export interface Calls {
    /** create_group with the body of the doc example create_group_doc. */
    createGroup(body: typeof createGroupBody): Promise<Reply<CreatedGroup>>;
    /** list_groups, one page of `limit` groups. */
    listGroups(limit: number): Promise<Reply<GroupPage>>;
    /** get_groups with several ids in the one comma-list path parameter. */
    getGroups(groupIds: string): Promise<Reply<GroupDetails>>;
    /** upload_group_file: a multipart/form-data body with one file. */
    uploadGroupFile(groupId: string, file: UploadedFile): Promise<Reply<UploadedGroupFile>>;
    /** list_groups with a `limit` above the document's maximum (1000): the error body. */
    listGroupsOverLimit(limit: number): Promise<Reply<ErrorBody>>;
}

export const token = "smoke-test-token";

/** The request body of the doc example create_group_doc. */
export const createGroupBody = {
    groupname: "testgroup",
    avatar: "https://www.XXXX.com/XXX/image",
    description: "test",
    public: true,
    maxusers: 300,
    owner: "testuser",
    members: ["user2"],
};

/** Records every request a client sends, then sends it on with Node's fetch. */
export function recordingFetch(sent: Sent[]): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
    return async (input, init) => {
        const request = new Request(input, init);
        sent.push({
            method: request.method,
            url: new URL(request.url),
            contentType: request.headers.get("content-type"),
            authorization: request.headers.get("authorization"),
            body: await request.clone().text(),
        });
        return fetch(request);
    };
}

class Checks {
    private passed = 0;
    private failed = 0;

    same(label: string, actual: unknown, expected: unknown): void {
        const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
        this.record(label, a === e, `got ${a}, want ${e}`);
    }

    record(label: string, ok: boolean, detail: string): void {
        if (ok) {
            this.passed++;
        } else {
            this.failed++;
            console.log(`  FAILED ${label}: ${detail}`);
        }
    }

    /** Prints the closing count line and sets the exit status. */
    finish(): void {
        console.log(`${this.passed} passed, ${this.failed} failed`);
        process.exitCode = this.failed === 0 ? 0 : 1;
    }
}

/** Runs the five calls of `calls` and checks each reply and request. */
export async function run(clientName: string, calls: Calls, sent: Sent[], baseUrl: string): Promise<void> {
    const checks = new Checks();
    const basePath = new URL(baseUrl).pathname;

    // Runs one call and returns its reply with the single request it sent.
    async function call<T>(operation: string, make: () => Promise<Reply<T>>): Promise<[Reply<T>, Sent]> {
        const before = sent.length;
        const reply = await make();
        checks.same(`${operation}: requests sent`, sent.length - before, 1);
        const request = sent[before];
        checks.same(`${operation}: bearer token`, request?.authorization, `Bearer ${token}`);
        checks.record(
            `${operation}: under ${basePath}`,
            request?.url.pathname.startsWith(`${basePath}/`) ?? false,
            `sent to ${request?.url.pathname}`,
        );
        console.log(`${clientName} ${operation}: HTTP ${reply.status}`);
        return [reply, request];
    }

    {
        const [reply, request] = await call("create_group", () => calls.createGroup(createGroupBody));
        checks.same("create_group: status", reply.status, 200);
        // Doc example create_group_doc (response).
        checks.same("create_group: data.groupid", reply.body?.data.groupid, "6602XXXX783617");
        checks.same("create_group: action", reply.body?.action, "post");
        checks.same("create_group: method", request?.method, "POST");
        checks.same("create_group: body", JSON.parse(request?.body ?? "null"), createGroupBody);
    }
    {
        const [reply, request] = await call("list_groups", () => calls.listGroups(2));
        checks.same("list_groups: status", reply.status, 200);
        // Doc example list_groups_doc_first_page.
        checks.same("list_groups: count", reply.body?.count, 2);
        checks.same("list_groups: cursor", reply.body?.cursor, "Y2hhdGdyb3VwczplYXNlbW9iLWRlbW8vY2hhdGRlbW91aV8z");
        checks.same(
            "list_groups: groupids",
            reply.body?.data.map((group) => group.groupid),
            ["100743775617286960", "100973270123152176"],
        );
        checks.same("list_groups: limit sent", request?.url.searchParams.get("limit"), "2");
    }
    {
        const [reply, request] = await call("get_groups", () => calls.getGroups("g1,g2"));
        checks.same("get_groups: status", reply.status, 200);
        // Doc example get_groups_doc.
        checks.same("get_groups: ids", reply.body?.data.map((group) => group.id), ["XXXX"]);
        checks.same("get_groups: maxusers", reply.body?.data.map((group) => group.maxusers), [2000]);
        // The document says each comma of the list is sent as %2C.
        checks.same("get_groups: path", request?.url.pathname, `${basePath}/chatgroups/g1%2Cg2`);
    }
    {
        const file = { name: "img_3.jpg", content: "smoke-test file content" };
        const [reply, request] = await call("upload_group_file", () => calls.uploadGroupFile("66021836783617", file));
        checks.same("upload_group_file: status", reply.status, 200);
        // Doc example upload_group_file_doc.
        checks.same("upload_group_file: data.file_id", reply.body?.data.file_id, "c6906aa0-XXXX-XXXX-b480-f3cf141d15c0");
        checks.same("upload_group_file: data.file_size", reply.body?.data.file_size, 13512);
        checks.record(
            "upload_group_file: multipart",
            request?.contentType?.startsWith("multipart/form-data; boundary=") ?? false,
            `content-type ${request?.contentType}`,
        );
        checks.record(
            "upload_group_file: file part",
            (request?.body.includes('name="file"') && request.body.includes(file.content)) ?? false,
            `body ${JSON.stringify(request?.body.slice(0, 300))}`,
        );
    }
    {
        const [reply, request] = await call("list_groups over its limit", () => calls.listGroupsOverLimit(5000));
        // prism answers 422 to a request that breaks the document.
        checks.same("list_groups over its limit: status", reply.status, 422);
        checks.same("list_groups over its limit: error is a string", typeof reply.body?.error, "string");
        checks.same("list_groups over its limit: limit sent", request?.url.searchParams.get("limit"), "5000");
    }
    checks.finish();
}

/** The base URL the smoke test was started with. */
export function baseUrlArgument(): string {
    const baseUrl = process.argv[2];
    if (baseUrl === undefined) {
        throw new Error("usage: node SMOKE.js BASE_URL");
    }
    return baseUrl;
}
