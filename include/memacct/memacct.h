/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_MEMACCT_H
#define MEMACCT_MEMACCT_H

#include <memacct/version.h>
#include <memacct/common.h>
#include <memacct/source.h>
#include <memacct/meminfo.h>
#include <memacct/buddyinfo.h>
#include <memacct/vmstat.h>
#include <memacct/zoneinfo.h>
#include <memacct/vmallocinfo.h>
#include <memacct/hugepages.h>
#include <memacct/nodes.h>
#include <memacct/check.h>
#include <memacct/status.h>
#include <memacct/statm.h>
#include <memacct/maps.h>
#include <memacct/smaps.h>
#include <memacct/usage.h>
#include <memacct/pages.h>
#include <memacct/exact.h>
#include <memacct/census.h>
#include <memacct/procs.h>

#endif
