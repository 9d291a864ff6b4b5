/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counting allocations: malloc, calloc and realloc are interposed to count
 * calls. Include in one test program's only source file, after test-util.h.
 * Sanitizer builds replace the allocator themselves: there NO_INTERPOSE is
 * defined and nothing is counted.
 */
#ifndef MEMACCT_TEST_ALLOC_H
#define MEMACCT_TEST_ALLOC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

/*
 * Stays 0 where the allocator is not ours to count. Atomic: the threaded
 * scans allocate from their workers too.
 */
static _Atomic unsigned long allocs __attribute__((unused));

#ifndef NO_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
	atomic_fetch_add_explicit(&allocs, 1, memory_order_relaxed);
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	atomic_fetch_add_explicit(&allocs, 1, memory_order_relaxed);
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	atomic_fetch_add_explicit(&allocs, 1, memory_order_relaxed);
	return __libc_realloc(p, n);
}
#endif

/*
 * Is the counter live? @before is allocs before a step that must allocate;
 * when nothing was counted, a tool such as valgrind (or a sanitizer) has
 * taken malloc from us and the count means nothing.
 */
static inline bool alloc_counter_live(unsigned long before)
{
	return allocs != before;
}

#endif
