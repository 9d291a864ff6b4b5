/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "internal.h"
#include "version.h"

void diag_set(struct memacct_diag *diag, int err, uint32_t line, uint32_t column,
	      const char *key, size_t key_len, const char *message)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	size_t n;

	if (!diag || diag->sz < sizeof(size_t))
		return;
	d.error = err;
	d.line = line;
	d.column = column;
	d.message = message;
	if (key) {
		n = key_len < sizeof(d.key) - 1 ? key_len : sizeof(d.key) - 1;
		memcpy(d.key, key, n);
		/* A NUL inside a key would cut it short; show it as '?'. */
		for (size_t i = 0; i < n; i++)
			if (d.key[i] == '\0' || d.key[i] == '\n')
				d.key[i] = '?';
	}
	n = diag->sz < sizeof(d) ? diag->sz : sizeof(d);
	memcpy((char *)diag + sizeof(size_t), (char *)&d + sizeof(size_t), n - sizeof(size_t));
}

MEMACCT_API const char *memacct_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return "success";
	case EINVAL:
		return "invalid argument";
	case ENOENT:
		return "file or field absent";
	case ESRCH:
		return "process gone";
	case EACCES:
	case EPERM:
		return "permission denied";
	case EBADMSG:
		return "malformed input";
	case EOVERFLOW:
		return "number does not fit in 64 bits";
	case ENOMEM:
		return "out of memory";
	case E2BIG:
		return "options struct has unknown non-zero fields";
	case EOPNOTSUPP:
		return "not supported by this library version";
	case ERANGE:
		return "index out of range";
	case ENODATA:
		return "line holds text, not a number";
	case EFBIG:
		return "file too large";
	case ENOTDIR:
		return "not a directory";
	default:
		return "unknown error";
	}
}

MEMACCT_API uint32_t memacct_version(void)
{
	return MEMACCT_VERSION_HEX;
}

MEMACCT_API const char *memacct_version_string(void)
{
	return MEMACCT_VERSION_STRING;
}
