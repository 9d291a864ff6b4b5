/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CLI_PROM_H
#define MEMACCT_CLI_PROM_H

#include <stdint.h>
#include <stdio.h>

/*
 * The Prometheus text exposition format (version 0.0.4). A family is its
 * HELP and TYPE lines followed by all of its samples; labels are given as a
 * NULL-terminated list of name, value pairs. Label values and help texts are
 * escaped; bytes that are not well-formed UTF-8 become U+FFFD.
 */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
void prom_u64(FILE *f, const char *name, const char *const *labels, uint64_t v);
void prom_i64(FILE *f, const char *name, const char *const *labels, int64_t v);

#endif
