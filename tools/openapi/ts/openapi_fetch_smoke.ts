// Smoke test of openapi-fetch over the types openapi-typescript generates
// from our document (into ./schema.ts), against prism. The checks are in
// smoke_checks.ts.

import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { baseUrlArgument, type Calls, recordingFetch, run, type Sent, token } from "./smoke_checks";

async function main(): Promise<void> {
    const baseUrl = baseUrlArgument();
    const sent: Sent[] = [];
    const client = createClient<paths>({
        baseUrl,
        headers: { Authorization: `Bearer ${token}` },
        fetch: recordingFetch(sent),
    });

    const calls: Calls = {
        async createGroup(body) {
            const { data, response } = await client.POST("/chatgroups", { body });
            return { status: response.status, body: data };
        },
        async listGroups(limit) {
            const { data, response } = await client.GET("/chatgroups", { params: { query: { limit } } });
            return { status: response.status, body: data };
        },
        async getGroups(groupIds) {
            const { data, response } = await client.GET("/chatgroups/{group_id}", {
                params: { path: { group_id: groupIds } },
            });
            return { status: response.status, body: data };
        },
        async uploadGroupFile(groupId, file) {
            const { data, response } = await client.POST("/chatgroups/{group_id}/share_files", {
                params: { path: { group_id: groupId } },
                // openapi-typescript 7.13.0 has no type for a file: the 3.0
                // document's `format: binary` property becomes a string, the
                // 3.1 one (`contentMediaType`, no `type`) unknown (README,
                // "The OpenAPI documents"). Text is what both accept; this stops
                // compiling once a release types the file as a Blob.
                body: { file: file.content },
                // openapi-fetch sends JSON unless a serializer builds the form,
                // built here from the file itself since the body's type does
                // not say it is one.
                bodySerializer() {
                    const form = new FormData();
                    form.append("file", new Blob([file.content]), file.name);
                    return form;
                },
            });
            return { status: response.status, body: data };
        },
        async listGroupsOverLimit(limit) {
            const { error, response } = await client.GET("/chatgroups", { params: { query: { limit } } });
            return { status: response.status, body: error };
        },
    };
    await run("openapi-fetch", calls, sent, baseUrl);
}

void main();
