/** Generated from the OpenAPI document by `npm run client:types` (shared/client/generate.ts): do not edit. */
export interface paths {
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List jobs, newest first */
        get: operations["getJobs"];
        put?: never;
        /** Create a job */
        post: operations["postJobs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a job */
        get: operations["getJobsById"];
        put?: never;
        post?: never;
        /** Delete a job that is not executing */
        delete: operations["deleteJobsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Execute a READY (or PLANNING) job */
        post: operations["postJobsByIdExecute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the parts that did not finish again */
        post: operations["postJobsByIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a job */
        post: operations["postJobsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An outside executor's progress report */
        post: operations["postJobsByIdAck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An outside executor's success */
        post: operations["postJobsByIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/fail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An outside executor's failure */
        post: operations["postJobsByIdFail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/parts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job's parts, by offset */
        get: operations["getJobsByIdParts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job's events */
        get: operations["getJobsByIdEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Review a READY job's plan */
        get: operations["getJobsByIdPlan"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a READY job's plan */
        patch: operations["patchJobsByIdPlan"];
        trace?: never;
    };
    "/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List files */
        get: operations["getFiles"];
        put?: never;
        /** Create a file record and its upload URL */
        post: operations["postFiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a file */
        get: operations["getFilesById"];
        put?: never;
        post?: never;
        /** Delete a file no running job uses */
        delete: operations["deleteFilesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/files/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the content (a redirect to a presigned URL) */
        get: operations["getFilesByIdContent"];
        /** Upload small content directly (up to 10 MB) */
        put: operations["putFilesByIdContent"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workbooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List workbooks */
        get: operations["getWorkbooks"];
        put?: never;
        /** Create a workbook with its sheets */
        post: operations["postWorkbooks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workbooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a workbook */
        get: operations["getWorkbooksById"];
        put?: never;
        post?: never;
        /** Delete a workbook no running job uses */
        delete: operations["deleteWorkbooksById"];
        options?: never;
        head?: never;
        /** Rename a workbook or change its and its sheets' actions */
        patch: operations["patchWorkbooksById"];
        trace?: never;
    };
    "/sheets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a sheet with its record counts */
        get: operations["getSheetsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sheets/{id}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A sheet's records, by offset */
        get: operations["getSheetsByIdRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The environment's events feed, for pollers */
        get: operations["getEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events of the environment (local stack only) */
        get: operations["getEventsStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mint a short-lived browser token (with the API key) */
        post: operations["postTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/local/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A browser token of the dev environment, for a page on this machine (local stack only) */
        post: operations["postLocalTokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API reference, for people */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs/renderer.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The reference page's renderer (Redoc) */
        get: operations["getDocsRendererJs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an environment's API keys: prefix and metadata, never a key */
        get: operations["getAdminKeys"];
        put?: never;
        /** Create an API key of an environment (shown once) */
        post: operations["postAdminKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an API key: prefix and metadata */
        get: operations["getAdminKeysById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate an API key: a new key, the old one working until the overlap ends */
        post: operations["postAdminKeysByIdRotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an API key (refused within the authorizer cache TTL) */
        post: operations["postAdminKeysByIdRevoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CreateJobBody: {
            /** @enum {string} */
            type: "file" | "workbook" | "sheet";
            operation: string;
            source: string;
            destination?: string;
            config?: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            trigger?: "manual" | "immediate";
            /** @enum {string} */
            mode?: "foreground" | "background" | "toolbarBlocking";
            input?: {
                [key: string]: unknown;
            };
            /**
             * @description The job's share of the parts queue: `high` keeps twice the parts of a `normal` job in flight, `low` half (docs/fairness.md). Not a place in front of the queue. Default `normal`.
             * @enum {string}
             */
            priority?: "low" | "normal" | "high";
        };
        /** @description An extract's `{ mapping?, delimiter?, headerRow? }` (docs/plan.md). */
        PlanChangeBody: {
            [key: string]: unknown;
        };
        CreateFileBody: {
            name: string;
            mediaType?: string;
            size?: number;
        };
        CreateWorkbookBody: {
            name: string;
            sheets: {
                name: string;
                slug?: string;
                fields: {
                    key: string;
                    label?: string;
                    /** @enum {string} */
                    type: "string" | "number" | "boolean" | "date" | "enum";
                    description?: string;
                    required?: boolean;
                    options?: string[];
                    constraints?: {
                        type: string;
                        config?: unknown;
                    }[];
                    config?: {
                        options: {
                            value: string | number | boolean;
                            label?: string;
                            description?: string;
                            color?: string;
                            icon?: string;
                        }[];
                    };
                }[];
                actions?: {
                    operation: string;
                    label: string;
                    description?: string;
                    /** @enum {string} */
                    mode?: "foreground" | "background" | "toolbarBlocking";
                    confirm?: boolean;
                    primary?: boolean;
                    inputForm?: {
                        /** @constant */
                        type?: "simple";
                        fields: {
                            key: string;
                            label?: string;
                            /** @enum {string} */
                            type: "string" | "number" | "boolean" | "date" | "enum";
                            description?: string;
                            required?: boolean;
                            options?: string[];
                            constraints?: {
                                type: string;
                                config?: unknown;
                            }[];
                            config?: {
                                options: {
                                    value: string | number | boolean;
                                    label?: string;
                                    description?: string;
                                    color?: string;
                                    icon?: string;
                                }[];
                            };
                        }[];
                    };
                }[];
            }[];
            actions?: {
                operation: string;
                label: string;
                description?: string;
                /** @enum {string} */
                mode?: "foreground" | "background" | "toolbarBlocking";
                confirm?: boolean;
                primary?: boolean;
                inputForm?: {
                    /** @constant */
                    type?: "simple";
                    fields: {
                        key: string;
                        label?: string;
                        /** @enum {string} */
                        type: "string" | "number" | "boolean" | "date" | "enum";
                        description?: string;
                        required?: boolean;
                        options?: string[];
                        constraints?: {
                            type: string;
                            config?: unknown;
                        }[];
                        config?: {
                            options: {
                                value: string | number | boolean;
                                label?: string;
                                description?: string;
                                color?: string;
                                icon?: string;
                            }[];
                        };
                    }[];
                };
            }[];
        };
        PatchWorkbookBody: {
            name?: string;
            actions?: {
                operation: string;
                label: string;
                description?: string;
                /** @enum {string} */
                mode?: "foreground" | "background" | "toolbarBlocking";
                confirm?: boolean;
                primary?: boolean;
                inputForm?: {
                    /** @constant */
                    type?: "simple";
                    fields: {
                        key: string;
                        label?: string;
                        /** @enum {string} */
                        type: "string" | "number" | "boolean" | "date" | "enum";
                        description?: string;
                        required?: boolean;
                        options?: string[];
                        constraints?: {
                            type: string;
                            config?: unknown;
                        }[];
                        config?: {
                            options: {
                                value: string | number | boolean;
                                label?: string;
                                description?: string;
                                color?: string;
                                icon?: string;
                            }[];
                        };
                    }[];
                };
            }[];
            sheets?: {
                id: string;
                actions: {
                    operation: string;
                    label: string;
                    description?: string;
                    /** @enum {string} */
                    mode?: "foreground" | "background" | "toolbarBlocking";
                    confirm?: boolean;
                    primary?: boolean;
                    inputForm?: {
                        /** @constant */
                        type?: "simple";
                        fields: {
                            key: string;
                            label?: string;
                            /** @enum {string} */
                            type: "string" | "number" | "boolean" | "date" | "enum";
                            description?: string;
                            required?: boolean;
                            options?: string[];
                            constraints?: {
                                type: string;
                                config?: unknown;
                            }[];
                            config?: {
                                options: {
                                    value: string | number | boolean;
                                    label?: string;
                                    description?: string;
                                    color?: string;
                                    icon?: string;
                                }[];
                            };
                        }[];
                    };
                }[];
            }[];
        };
        AckBody: {
            progress?: number;
            info?: string;
            /** Format: date-time */
            estimatedCompletionAt?: string;
        };
        CompleteBody: {
            outcome?: {
                message: string;
                heading?: string;
                next?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
            info?: string;
        };
        FailBody: {
            info?: string;
            outcome?: {
                message: string;
                heading?: string;
                next?: {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            };
        };
        CreateTokenBody: {
            /**
             * @description read: every GET of the environment; run: read, and upload files and create, execute, cancel and retry jobs; watch: one job (jobId) and its events.
             * @enum {string}
             */
            scope: "read" | "run" | "watch";
            /** @description The job a watch token reads; only a watch token names one. */
            jobId?: string;
            /**
             * @description How long the token lives.
             * @default 900
             */
            ttlSeconds?: number;
        };
        CreateApiKeyBody: {
            /** @description The environment the key acts for. */
            environmentId: string;
            /** @description What the key is for, for people reading the list. */
            name: string;
            /**
             * Format: date-time
             * @description When the key stops working; never when left out.
             */
            expiresAt?: string;
            /** @description Requests a minute the key may make (600 when left out). */
            rateLimitPerMinute?: number;
        };
        RotateApiKeyBody: {
            /**
             * @description How long the old key keeps working beside the new one.
             * @default 3600
             */
            overlapSeconds?: number;
        };
        JobError: {
            /** @description Stable, for programs: part-failed, ack-timeout, … */
            code: string;
            /** @description For people: what went wrong and what to do. */
            message: string;
            /** @description The part that failed, when one did. */
            part?: number;
        } & {
            [key: string]: unknown;
        };
        /** @description A unit of asynchronous work on a file, workbook or sheet, split into parts. */
        Job: {
            /** @example job_01jd0000000000000000000000 */
            id: string;
            environmentId: string;
            /** @enum {string} */
            type: "file" | "workbook" | "sheet";
            /** @description extract, map, delete, export, or a custom action's operation. */
            operation: string;
            /** @description The file, workbook or sheet the job works on. */
            source: string;
            destination?: string;
            config: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            trigger: "manual" | "immediate";
            /** @enum {string} */
            mode: "foreground" | "background" | "toolbarBlocking";
            input?: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            status: "PLANNING" | "READY" | "EXECUTING" | "COMPLETED" | "FAILED" | "CANCELED";
            /** @description 1, then one more per retry. */
            attempt?: number;
            /**
             * @description The job's share of the parts queue (docs/fairness.md); absent: normal.
             * @enum {string}
             */
            priority?: "low" | "normal" | "high";
            parts: number;
            processed: number;
            /** @description Rows the finished parts handled: read by an extract, written by a map or an export, deleted by a delete (0 for an action's job). Absent on jobs created before rows were counted. */
            rowsProcessed?: number;
            /** @description Parts that failed for good in this attempt. */
            failed: number;
            progress: number;
            info?: string;
            /** Format: date-time */
            estimatedCompletionAt?: string;
            outcome?: {
                [key: string]: unknown;
            };
            error?: components["schemas"]["JobError"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            startedAt?: string;
            /** Format: date-time */
            finishedAt?: string;
        } & {
            [key: string]: unknown;
        };
        Part: {
            part: number;
            /** @enum {string} */
            status: "PENDING" | "COMPLETED" | "FAILED";
            /** @description What the part reported. */
            stats?: {
                [key: string]: number;
            };
            error?: components["schemas"]["JobError"];
        } & {
            [key: string]: unknown;
        };
        /** @description A file record; its content lives in S3. */
        DataFile: {
            id: string;
            environmentId: string;
            name: string;
            mediaType: string;
            /** @enum {string} */
            status: "pending" | "available";
            /** @description Bytes, once the content arrived. */
            size?: number;
            expectedSize?: number;
            /** Format: date-time */
            uploadExpiresAt?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        } & {
            [key: string]: unknown;
        };
        CreatedFile: {
            id: string;
            environmentId: string;
            name: string;
            mediaType: string;
            /** @enum {string} */
            status: "pending" | "available";
            /** @description Bytes, once the content arrived. */
            size?: number;
            expectedSize?: number;
            /** Format: date-time */
            uploadExpiresAt?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: uri
             * @description A presigned PUT URL for the content.
             */
            uploadUrl: string;
            /** @description Headers the upload must send as they are. */
            uploadHeaders: {
                [key: string]: string;
            };
            /** @description Seconds. */
            uploadUrlExpiresIn: number;
        } & {
            [key: string]: unknown;
        };
        Field: {
            key: string;
            label?: string;
            /** @enum {string} */
            type: "string" | "number" | "boolean" | "date" | "enum";
            description?: string;
            required?: boolean;
            options?: string[];
        } & {
            [key: string]: unknown;
        };
        Action: {
            operation: string;
            label: string;
            description?: string;
            /** @enum {string} */
            mode?: "foreground" | "background" | "toolbarBlocking";
            confirm?: boolean;
            primary?: boolean;
            inputForm?: {
                fields: components["schemas"]["Field"][];
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        Sheet: {
            id: string;
            workbookId: string;
            environmentId: string;
            name: string;
            /** @description A short name of the caller's, unique within the workbook. */
            slug?: string;
            fields: components["schemas"]["Field"][];
            actions?: components["schemas"]["Action"][];
            /** Format: date-time */
            createdAt: string;
        } & {
            [key: string]: unknown;
        };
        SheetWithCounts: {
            id: string;
            workbookId: string;
            environmentId: string;
            name: string;
            /** @description A short name of the caller's, unique within the workbook. */
            slug?: string;
            fields: components["schemas"]["Field"][];
            actions?: components["schemas"]["Action"][];
            /** Format: date-time */
            createdAt: string;
            recordCount: number;
            counts: {
                records: number;
                valid: number;
                invalid: number;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        Workbook: {
            id: string;
            environmentId: string;
            name: string;
            sheets: components["schemas"]["Sheet"][];
            actions?: components["schemas"]["Action"][];
            /** @description 1 when created, one more for each change: the ETag names it. */
            revision?: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        } & {
            [key: string]: unknown;
        };
        SheetRecord: {
            /** @description Unique within the sheet. */
            id: string;
            values: {
                [key: string]: string | number | boolean | null;
            };
            valid: boolean;
            /** @description Per field, why its value does not fit. */
            messages?: {
                [key: string]: string;
            };
        } & {
            [key: string]: unknown;
        };
        ExtractPlanReview: {
            jobId: string;
            /** @constant */
            status: "READY";
            /** @constant */
            operation: "extract";
            file: {
                id: string;
                name: string;
                size: number;
            } & {
                [key: string]: unknown;
            };
            /** @enum {string} */
            format: "csv" | "tsv" | "ndjson" | "json" | "xlsx";
            /** @description Text formats: the encoding, and whether config, a BOM or detection decided it. */
            encoding?: {
                name: string;
                decidedBy: string;
            } & {
                [key: string]: unknown;
            };
            delimiter?: string;
            headerRow: number;
            /** @description The job's column mapping (`{}`: none). */
            mapping: {
                [key: string]: string | null;
            };
            destination: string | null;
            tables: ({
                name: string;
                /** @description The sheet it goes to; null: none of the destination's. */
                sheetId: string | null;
                header: string[];
                columns: ({
                    index: number;
                    /** @description The header cell, or `(column N)`. */
                    name: string;
                    /** @description The key of the field the column fills, or null. */
                    field: string | null;
                    matchedBy: ("name" | "mapping") | null;
                } & {
                    [key: string]: unknown;
                })[];
                unmatchedColumns: string[];
                missingFields: string[];
                missingRequiredFields: string[];
                fields: ({
                    key: string;
                    label?: string;
                    /** @enum {string} */
                    type: "string" | "number" | "boolean" | "date" | "enum";
                    required: boolean;
                } & {
                    [key: string]: unknown;
                })[];
                sample: {
                    rows: ({
                        /** @description 1-based, over the data rows. */
                        row: number;
                        /** @description As the destination fields type them: what the record will hold. */
                        values: {
                            [key: string]: string | number | boolean | null;
                        };
                        valid: boolean;
                        /** @description Per field, why its value does not fit. */
                        messages?: {
                            [key: string]: string;
                        };
                    } & {
                        [key: string]: unknown;
                    })[];
                    /** @description There are more rows than the sample shows. */
                    more: boolean;
                    /** @description Lines of a JSON or NDJSON file, among the sampled ones, that are no object. */
                    rejected: ({
                        line: number;
                        reason: string;
                    } & {
                        [key: string]: unknown;
                    })[];
                } & {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            })[];
            parts: {
                count: number;
                /** @description Byte-range formats: the parts, which tile the file after its header. */
                byteRanges?: ({
                    part: number;
                    start: number;
                    endExclusive: number;
                    bytes: number;
                } & {
                    [key: string]: unknown;
                })[];
                /** @description Present when there are more parts than shown. */
                byteRangesShown?: number;
                /** @description XLSX: one part per worksheet. */
                tables?: ({
                    part: number;
                    table: string;
                } & {
                    [key: string]: unknown;
                })[];
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        MapPlanReview: {
            jobId: string;
            /** @constant */
            status: "READY";
            /** @constant */
            operation: "map";
            mappings: ({
                sourceSheet: {
                    id: string;
                    name: string | null;
                    workbookId: string | null;
                } & {
                    [key: string]: unknown;
                };
                destinationSheet: {
                    id: string;
                    name: string | null;
                    workbookId: string | null;
                } & {
                    [key: string]: unknown;
                };
                fields: ({
                    field: string;
                    /** @enum {string} */
                    type: "string" | "number" | "boolean" | "date" | "enum";
                    required: boolean;
                    /** @description The source field, or null when none fills it. */
                    from: string | null;
                } & {
                    [key: string]: unknown;
                })[];
                unmappedDestinationFields: string[];
                missingRequiredFields: string[];
                unusedSourceFields: string[];
                replacesEarlierMap: boolean;
                parts: number;
                sample: {
                    rows: ({
                        /** @description 1-based, over the data rows. */
                        row: number;
                        /** @description As the destination fields type them: what the record will hold. */
                        values: {
                            [key: string]: string | number | boolean | null;
                        };
                        valid: boolean;
                        /** @description Per field, why its value does not fit. */
                        messages?: {
                            [key: string]: string;
                        };
                    } & {
                        [key: string]: unknown;
                    })[];
                    /** @description There are more rows than the sample shows. */
                    more: boolean;
                } & {
                    [key: string]: unknown;
                };
            } & {
                [key: string]: unknown;
            })[];
            parts: {
                count: number;
            } & {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        /** @description The plan of a READY job, as its operation shows it (docs/plan.md). */
        PlanReview: components["schemas"]["ExtractPlanReview"] | components["schemas"]["MapPlanReview"];
        /** @description A delete done (`deleted: true`) or under way (`deleting: true`, 202). */
        Deleted: {
            id: string;
            deleted: boolean;
            deleting?: boolean;
            message?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description A short-lived browser token (docs/auth.md). */
        Token: {
            /** @description Send it as `Authorization: Bearer <token>`. */
            token: string;
            /** @constant */
            tokenType: "Bearer";
            environmentId: string;
            /** @enum {string} */
            scope: "read" | "run" | "watch";
            /** @description The job a watch token reads. */
            jobId?: string;
            /** Format: date-time */
            expiresAt: string;
            /** @description Seconds. */
            expiresIn: number;
        } & {
            [key: string]: unknown;
        };
        /** @description An API key: its prefix and metadata, never the key (docs/auth.md). */
        ApiKey: {
            /** @example key_0123456789abcdef */
            id: string;
            environmentId: string;
            name: string;
            /**
             * @description The start of the key (`pw_live_<id>`): enough to recognise it, nothing to use it with.
             * @example pw_live_0123456789abcdef
             */
            prefix: string;
            /**
             * @description active, revoked, or expired (its own expiry or a rotation’s overlap ended).
             * @enum {string}
             */
            status: "active" | "revoked" | "expired";
            rateLimitPerMinute: number;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description From then on the key is refused (401 `key-expired`).
             */
            expiresAt?: string;
            /** Format: date-time */
            revokedAt?: string;
            /** @description The key this one was rotated into. */
            replacedBy?: string;
            /** @description The key this one replaced. */
            replaces?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description An API key just created, with the key itself (shown once). */
        CreatedApiKey: {
            /** @example key_0123456789abcdef */
            id: string;
            environmentId: string;
            name: string;
            /**
             * @description The start of the key (`pw_live_<id>`): enough to recognise it, nothing to use it with.
             * @example pw_live_0123456789abcdef
             */
            prefix: string;
            /**
             * @description active, revoked, or expired (its own expiry or a rotation’s overlap ended).
             * @enum {string}
             */
            status: "active" | "revoked" | "expired";
            rateLimitPerMinute: number;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description From then on the key is refused (401 `key-expired`).
             */
            expiresAt?: string;
            /** Format: date-time */
            revokedAt?: string;
            /** @description The key this one was rotated into. */
            replacedBy?: string;
            /** @description The key this one replaced. */
            replaces?: string;
            /** @description The key itself, `pw_live_<id>_<secret>`: shown in this answer only, never again. Keep it in a secret store. */
            key: string;
        } & {
            [key: string]: unknown;
        };
        /** @description The new key (shown once), and the key it replaces, which works until its `expiresAt` (the end of the overlap). */
        RotatedApiKey: {
            key: components["schemas"]["CreatedApiKey"];
            previous: components["schemas"]["ApiKey"];
        } & {
            [key: string]: unknown;
        };
        Health: {
            /** @constant */
            status: "ok";
        } & {
            [key: string]: unknown;
        };
        /** @description Where a problem lies: an RFC 6901 `pointer` into the JSON body, a query or path `parameter`, or a `header`. */
        FieldProblem: ({
            pointer: string;
            detail: string;
        } & {
            [key: string]: unknown;
        }) | ({
            parameter: string;
            detail: string;
        } & {
            [key: string]: unknown;
        }) | ({
            header: string;
            detail: string;
        } & {
            [key: string]: unknown;
        });
        Problem: {
            /** @description `urn:partwise:problem:<code>`. */
            type: string;
            title: string;
            status: number;
            detail: string;
            errors?: components["schemas"]["FieldProblem"][];
            /** @description The request's id: the logs hold the details under it. */
            correlationId: string;
        } & {
            [key: string]: unknown;
        };
        JobSnapshot_jobId: string;
        /** @description Present only when the snapshot is not the whole job. The fields it names are not whole here: `input`, `config` and `outcome` keep only the members that fit (each kept member is whole), text (`info`, `error`, …) is cut and ends with …; every other field is exact. GET `href` for the whole job. */
        JobSnapshot_truncated: {
            fields: string[];
            /** @description The path of GET /jobs/:id, relative to the API's URL. */
            href: string;
        };
        /** @enum {unknown} */
        JobSnapshot_status: "PLANNING" | "READY" | "EXECUTING" | "COMPLETED" | "FAILED" | "CANCELED";
        /** @description Which run of the job: 1, then one more for each retry (POST /jobs/:id/retry). A retry's events (job:started, job:updated, then job:completed or job:failed) carry its attempt. */
        JobSnapshot_attempt: number;
        /** @description Whole percent for parts-based jobs; an executor may report fractions. */
        JobSnapshot_progress: number;
        JobSnapshot_error: {
            /** @description Stable, for programs: part-failed, ack-timeout, executor-failed, … */
            code: string;
            /** @description For people: what went wrong and what to do. */
            message: string;
            /** @description The part that failed, when one did. */
            part?: number;
        };
        /**
         * Job snapshot
         * @description The job as it read right after the change an event announces. A job up to 8 KiB of JSON comes whole; a larger one comes bounded, with `truncated` saying which fields are not whole and where the whole job is (GET /jobs/:id). Fields may be added over time; a consumer ignores the ones it does not know.
         */
        JobSnapshot: {
            id: components["schemas"]["JobSnapshot_jobId"];
            environmentId: string;
            /** @enum {unknown} */
            type: "file" | "workbook" | "sheet";
            /** @description extract, map, delete, export, or a custom action's operation. */
            operation: string;
            /** @description The file, workbook or sheet the job works on. */
            source: string;
            destination?: string;
            config: Record<string, never>;
            /** @enum {unknown} */
            trigger: "manual" | "immediate";
            /** @enum {unknown} */
            mode: "foreground" | "background" | "toolbarBlocking";
            /** @description What the caller filled in on the action's input form. */
            input?: Record<string, never>;
            status: components["schemas"]["JobSnapshot_status"];
            attempt?: components["schemas"]["JobSnapshot_attempt"];
            parts: number;
            processed: number;
            /** @description Rows the finished parts handled: read by an extract, written by a map or an export, deleted by a delete (0 for an action's job). Absent on jobs created before rows were counted. */
            rowsProcessed?: number;
            /** @description Parts that failed for good in this attempt; more than 0 on a COMPLETED job only under config.tolerance. */
            failed: number;
            progress: components["schemas"]["JobSnapshot_progress"];
            /** @description The latest word from whoever carries the job out. */
            info?: string;
            /** Format: date-time */
            estimatedCompletionAt?: string;
            /** @description What the job produced, for people (message, heading) and for programs (any other field). */
            outcome?: {
                message?: string;
                heading?: string;
                next?: Record<string, never>;
            };
            error?: components["schemas"]["JobSnapshot_error"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            startedAt?: string;
            /** Format: date-time */
            finishedAt?: string;
            truncated?: components["schemas"]["JobSnapshot_truncated"];
        };
        /**
         * Job event
         * @description What every job event carries: the EventBridge `detail`, an item of GET /events, the `data` of a server-sent event. The top-level status and counts repeat the snapshot's, so a rule can match on them.
         */
        JobEventBase: {
            /**
             * @description The version of this shape, 1. Additions (a new field, a new topic) keep it; a field removed, renamed, retyped or given a new meaning makes it 2 (docs/events.md, Versioning). A subscriber checks it and refuses, or routes elsewhere, a version it was not written for.
             * @constant
             */
            version: 1;
            /** @description Stable across redeliveries: de-duplicate on it. Ids sort in the order events were committed. */
            id: string;
            /**
             * @description Also the EventBridge detail-type.
             * @enum {unknown}
             */
            topic: "job:waiting" | "job:started" | "job:updated" | "job:completed" | "job:failed" | "job:canceled" | "job:deleted";
            /** Format: date-time */
            createdAt: string;
            /** @description 1, 2, 3… within one job: the order of its events. */
            sequence: number;
            jobId: components["schemas"]["JobSnapshot_jobId"];
            environmentId: string;
            operation: string;
            status: components["schemas"]["JobSnapshot_status"];
            attempt: components["schemas"]["JobSnapshot_attempt"];
            parts: number;
            processed: number;
            progress: components["schemas"]["JobSnapshot_progress"];
            /** @description The job right after the change; bounded for a large job (see `truncated`). */
            job: components["schemas"]["JobSnapshot"];
        };
        /**
         * job:waiting
         * @description The job was created and is not executing yet: it is planning its parts, or waiting in READY for POST /jobs/:id/execute.
         */
        JobWaitingEvent: components["schemas"]["JobEventBase"];
        /**
         * job:started
         * @description The job goes EXECUTING: the first time, or again when it is retried (then `attempt` is 2 or more, and only the parts that did not finish run). A custom action's executor starts its work on this event.
         */
        JobStartedEvent: components["schemas"]["JobEventBase"];
        /**
         * job:updated
         * @description Progress changed (at most one per second per job). The last one carries the final counts and may ride with job:completed, so its status can already be COMPLETED.
         */
        JobUpdatedEvent: components["schemas"]["JobEventBase"];
        /**
         * job:completed
         * @description The job finished: every part processed (or, under `config.tolerance`, every part processed or failed within it: then `job.failed` > 0 and `job.outcome.failedParts` lists them), or the executor reported completion. `job.outcome` says what it produced.
         */
        JobCompletedEvent: components["schemas"]["JobEventBase"];
        /**
         * job:failed
         * @description The job failed: a part failed for good, no executor acknowledged it in time, or the executor reported failure. `job.error` says why.
         */
        JobFailedEvent: components["schemas"]["JobEventBase"];
        /**
         * job:canceled
         * @description The job was canceled before it ended (POST /jobs/:id/cancel); parts still queued are skipped.
         */
        JobCanceledEvent: components["schemas"]["JobEventBase"];
        /**
         * job:deleted
         * @description The job was deleted (DELETE /jobs/:id); the snapshot is its last state. An executing job cannot be deleted.
         */
        JobDeletedEvent: components["schemas"]["JobEventBase"];
        /** @description A job event: one of the topic schemas below (shared/events/schemas, docs/events.md). */
        JobEvent: components["schemas"]["JobWaitingEvent"] | components["schemas"]["JobStartedEvent"] | components["schemas"]["JobUpdatedEvent"] | components["schemas"]["JobCompletedEvent"] | components["schemas"]["JobFailedEvent"] | components["schemas"]["JobCanceledEvent"] | components["schemas"]["JobDeletedEvent"];
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getJobs: {
        parameters: {
            query?: {
                status?: "PLANNING" | "READY" | "EXECUTING" | "COMPLETED" | "FAILED" | "CANCELED";
                operation?: string;
                source?: string;
                limit?: number;
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobs: {
        parameters: {
            query?: never;
            header?: {
                /** @description Printable ASCII, at most 255 characters; a repeated POST returns the first job (200). */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateJobBody"];
            };
        };
        responses: {
            /** @description The job an earlier POST with the same `Idempotency-Key` created. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The job, created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request conflicts with an earlier one (`idempotency-key-reused`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJobsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteJobsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Deleted"];
                    };
                };
            };
            /** @description What the job kept for a retry is being removed; the job is deleted after. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Deleted"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdExecute: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Executing (or about to, once planned). */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, in its next attempt. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, CANCELED. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdAck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["AckBody"];
            };
        };
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdComplete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CompleteBody"];
            };
        };
        responses: {
            /** @description The job, COMPLETED. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postJobsByIdFail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["FailBody"];
            };
        };
        responses: {
            /** @description The job, FAILED. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJobsByIdParts: {
        parameters: {
            query?: {
                offset?: number;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Parts [offset, offset + limit). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Part"][];
                        /** @description The `offset` of the next page, or null after the last. */
                        next: string | null;
                        total: number;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJobsByIdEvents: {
        parameters: {
            query?: {
                limit?: number;
                next?: string;
            };
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of job events, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["JobEvent"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJobsByIdPlan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The plan (docs/plan.md). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["PlanReview"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchJobsByIdPlan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job id (`job_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlanChangeBody"];
            };
        };
        responses: {
            /** @description The job, PLANNING again; its new plan is there once it is READY. */
            202: {
                headers: {
                    /** @description The plan to review. */
                    location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFiles: {
        parameters: {
            query?: {
                limit?: number;
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of files. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DataFile"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postFiles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateFileBody"];
            };
        };
        responses: {
            /** @description The file, pending its upload. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedFile"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFilesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DataFile"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteFilesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Deleted"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFilesByIdContent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description See the presigned download URL. */
            303: {
                headers: {
                    /** @description The download URL. */
                    location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putFilesByIdContent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description The file, available. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["DataFile"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkbooks: {
        parameters: {
            query?: {
                limit?: number;
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of workbooks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Workbook"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postWorkbooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWorkbookBody"];
            };
        };
        responses: {
            /** @description The workbook. */
            201: {
                headers: {
                    /** @description The workbook's revision (`"r<revision>"`): send it back in `If-Match` on PATCH. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Workbook"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkbooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The workbook. */
            200: {
                headers: {
                    /** @description The workbook's revision (`"r<revision>"`): send it back in `If-Match` on PATCH. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Workbook"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWorkbooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Deleted"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    patchWorkbooksById: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag a GET gave: the change applies only to that revision (412 `precondition-failed` otherwise). */
                "If-Match"?: string;
            };
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PatchWorkbookBody"];
            };
        };
        responses: {
            /** @description The workbook. */
            200: {
                headers: {
                    /** @description The workbook's revision (`"r<revision>"`): send it back in `If-Match` on PATCH. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Workbook"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `If-Match` names a revision the resource is no longer at (`precondition-failed`). */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSheetsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sheet. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SheetWithCounts"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSheetsByIdRecords: {
        parameters: {
            query?: {
                offset?: number;
                limit?: number;
                valid?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description The resource id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Records [offset, offset + limit), in order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SheetRecord"][];
                        /** @description The `offset` of the next page, or null after the last. */
                        next: string | null;
                        total: number;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEvents: {
        parameters: {
            query?: {
                since?: string;
                jobId?: string;
                topic?: "job:waiting" | "job:started" | "job:updated" | "job:completed" | "job:failed" | "job:canceled" | "job:deleted";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of job events, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["JobEvent"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEventsStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One `data:` line per job event (a JobEvent as JSON), as they are published. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenBody"];
            };
        };
        responses: {
            /** @description The token (docs/auth.md). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Token"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The API key made its requests of this minute (`rate-limited`); `Retry-After` says when to try again. */
            429: {
                headers: {
                    /** @description Seconds until the key’s window has room again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postLocalTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenBody"];
            };
        };
        responses: {
            /** @description A token of the local stack’s dev environment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Token"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Health"];
                    };
                };
            };
        };
    };
    getOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getDocsRendererJs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
        };
    };
    getAdminKeys: {
        parameters: {
            query: {
                environmentId: string;
                limit?: number;
                next?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of keys, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApiKey"][];
                        /** @description The cursor of the next page (pass it as `next`; `since` for GET /events), or null after the last. */
                        next: string | null;
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAdminKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyBody"];
            };
        };
        responses: {
            /** @description The key, with the key itself: it is never shown again. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["CreatedApiKey"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAdminKeysById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (`key_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key (without the key). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApiKey"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAdminKeysByIdRotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (`key_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RotateApiKeyBody"];
            };
        };
        responses: {
            /** @description The new key (shown once) and the old one, with its new expiresAt. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["RotatedApiKey"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The resource is not in a state that allows this (see the problem type). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body or a field of it is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    postAdminKeysByIdRevoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (`key_…`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key, revoked (revoking again keeps the first revokedAt). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["ApiKey"];
                    };
                };
            };
            /** @description The request is not valid (`validation-failed`): the body, a query or path parameter, or a header. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key or token, a token past its expiry (`token-expired`), or a key past its own (`key-expired`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A browser token whose scope does not cover this (`insufficient-scope`); on POST /local/tokens, a caller off this machine (`loopback-only`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found in this environment. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An error on our side; the logs hold it under `correlationId`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A service partwise depends on failed; try again shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
