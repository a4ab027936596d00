// Smoke test of the client @hey-api/openapi-ts generates from our document
// (into ./client), against prism. The checks are in smoke_checks.ts.

import { createGroup, getGroups, listGroups, uploadGroupFile } from "./client";
import { createClient, createConfig } from "./client/client";
import { baseUrlArgument, type Calls, recordingFetch, run, type Sent, token } from "./smoke_checks";

async function main(): Promise<void> {
    const baseUrl = baseUrlArgument();
    const sent: Sent[] = [];
    const client = createClient(createConfig({ baseUrl, auth: token, fetch: recordingFetch(sent) }));

    const calls: Calls = {
        async createGroup(body) {
            const { data, response } = await createGroup({ client, body });
            return { status: response.status, body: data };
        },
        async listGroups(limit) {
            const { data, response } = await listGroups({ client, query: { limit } });
            return { status: response.status, body: data };
        },
        async getGroups(groupIds) {
            const { data, response } = await getGroups({ client, path: { group_id: groupIds } });
            return { status: response.status, body: data };
        },
        async uploadGroupFile(groupId, file) {
            const { data, response } = await uploadGroupFile({
                client,
                path: { group_id: groupId },
                // The generated body type takes the file as a Blob or File.
                body: { file: new File([file.content], file.name) },
            });
            return { status: response.status, body: data };
        },
        async listGroupsOverLimit(limit) {
            const { error, response } = await listGroups({ client, query: { limit } });
            return { status: response.status, body: error };
        },
    };
    await run("hey-api", calls, sent, baseUrl);
}

void main();
