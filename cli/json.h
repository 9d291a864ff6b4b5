/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CLI_JSON_H
#define MEMACCT_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A streaming JSON writer: pretty-printed, two spaces per level, integers
 * printed exactly. Strings are escaped per RFC 8259; bytes that are not
 * well-formed UTF-8 become U+FFFD so the output is always valid JSON.
 */
#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	unsigned depth;
	bool after_key;
	bool empty[JSON_MAX_DEPTH];
};

void json_begin(struct json *j, FILE *f);
void json_end(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* A member of the current object: json_key() then the value. */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
/* An absent value is null, never 0: @s NULL, or @have false. */
void json_kv_str_or_null(struct json *j, const char *key, const char *s);
void json_kv_i64_or_null(struct json *j, const char *key, bool have, int64_t v);

/* Write @s as a quoted, escaped JSON string (no separators). */
void json_write_string(FILE *f, const char *s);

#endif
