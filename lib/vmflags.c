/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmas-internal.h"

/*
 * VmFlags mnemonics (fs/proc/task_mmu.c show_smap_vma_flags, every version
 * since 3.8, including the removed "nl", "dw" and "mp"), in MEMACCT_VMFLAG_*
 * bit order. The kernel prints "??" for a bit that has no mnemonic.
 */
static const char mnemonic[][3] = {
	"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "pf", "lo", "io", "sr", "rr",
	"dc", "de", "ac", "nr", "ht", "ar", "dd", "sd", "mm", "hg", "nh", "mg", "nl", "dw",
	"mp", "lf", "um", "uw", "sf", "wf", "bt", "mt", "ui", "ss", "sl", "dp", "gu", "??",
};

_Static_assert(ARRAY_SIZE(mnemonic) == 42, "MEMACCT_VMFLAG_UNKNOWN is bit 41");

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Bit number + 1 of each two-letter mnemonic, indexed by its letters (a-z). */
#define M(a, b, bit) [((a) - 'a') * 26 + ((b) - 'a')] = (bit) + 1
static const uint8_t by_letters[26 * 26] = {
	M('r', 'd', 0), M('w', 'r', 1), M('e', 'x', 2), M('s', 'h', 3), M('m', 'r', 4),
	M('m', 'w', 5), M('m', 'e', 6), M('m', 's', 7), M('g', 'd', 8), M('p', 'f', 9),
	M('l', 'o', 10), M('i', 'o', 11), M('s', 'r', 12), M('r', 'r', 13), M('d', 'c', 14),
	M('d', 'e', 15), M('a', 'c', 16), M('n', 'r', 17), M('h', 't', 18), M('a', 'r', 19),
	M('d', 'd', 20), M('s', 'd', 21), M('m', 'm', 22), M('h', 'g', 23), M('n', 'h', 24),
	M('m', 'g', 25), M('n', 'l', 26), M('d', 'w', 27), M('m', 'p', 28), M('l', 'f', 29),
	M('u', 'm', 30), M('u', 'w', 31), M('s', 'f', 32), M('w', 'f', 33), M('b', 't', 34),
	M('m', 't', 35), M('u', 'i', 36), M('s', 's', 37), M('s', 'l', 38), M('d', 'p', 39),
	M('g', 'u', 40),
};
#undef M

/* The bit of a two-letter mnemonic, or 0. */
static uint64_t flag_of(char a, char b)
{
	unsigned ia = (unsigned char)a - 'a', ib = (unsigned char)b - 'a';

	if (ia < 26 && ib < 26)
		return by_letters[ia * 26 + ib] ? UINT64_C(1) << (by_letters[ia * 26 + ib] - 1) : 0;
	return a == '?' && b == '?' ? MEMACCT_VMFLAG_UNKNOWN : 0;
}

uint64_t vmflags_from_text(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	uint64_t flags = 0;

	while (p < end) {
		const char *t;

		while (p < end && is_blank(*p))
			p++;
		t = p;
		while (p < end && !is_blank(*p))
			p++;
		if (p - t == 2)
			flags |= flag_of(t[0], t[1]);
	}
	return flags;
}

int memacct_smaps_vmflag_name(uint64_t flag, const char **ret)
{
	assert_return(ret, -EINVAL);
	if (flag == 0 || (flag & (flag - 1)) || flag >= UINT64_C(1) << ARRAY_SIZE(mnemonic))
		return -EOPNOTSUPP;
	*ret = mnemonic[__builtin_ctzll(flag)];
	return 0;
}
