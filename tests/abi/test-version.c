/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "test-util.h"
#include "memacct.h"

static void test_version(void **state)
{
	char s[32];

	assert_int_equal(memacct_version(), MEMACCT_VERSION_HEX);
	assert_int_equal(MEMACCT_VERSION_HEX >> 16, MEMACCT_VERSION_MAJOR);
	assert_int_equal((MEMACCT_VERSION_HEX >> 8) & 0xff, MEMACCT_VERSION_MINOR);
	snprintf(s, sizeof(s), "%d.%d.%d", MEMACCT_VERSION_MAJOR, MEMACCT_VERSION_MINOR,
		 MEMACCT_VERSION_PATCH);
	assert_string_equal(memacct_version_string(), s);
	assert_string_equal(MEMACCT_VERSION_STRING, s);
	assert_true(MEMACCT_VERSION_GE(0, 1, 0));
	assert_false(MEMACCT_VERSION_GE(MEMACCT_VERSION_MAJOR + 1, 0, 0));
}

static void test_strerror(void **state)
{
	assert_string_equal(memacct_strerror(-EBADMSG), "malformed input");
	assert_string_equal(memacct_strerror(-EOVERFLOW), "number does not fit in 64 bits");
	assert_string_equal(memacct_strerror(-ENOENT), "file or field absent");
	assert_string_equal(memacct_strerror(-12345), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
