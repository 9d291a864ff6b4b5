/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CLI_UTF8_H
#define MEMACCT_CLI_UTF8_H

#include <stddef.h>

/*
 * Length (1 to 4) of the well-formed UTF-8 sequence at the start of the
 * NUL-terminated @s, or 0 when the bytes there are not one (a stray
 * continuation byte, an overlong form, a surrogate, past U+10FFFF, cut).
 */
size_t utf8_seq_len(const char *s);

#endif
