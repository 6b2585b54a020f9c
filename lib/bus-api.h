/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of the control plane's D-Bus API, shared by the daemon and syscagectl. The methods
 * and their signatures are described in daemon/bus/bus-manager.h.
 */
#pragma once

#define BUS_PATH "/org/syscage/manager"
#define BUS_INTERFACE "org.syscage.Manager1"

#define BUS_ERROR_ACCESS_DENIED "org.syscage.Error.AccessDenied"
#define BUS_ERROR_NO_SUCH_UNIT "org.syscage.Error.NoSuchUnit"
#define BUS_ERROR_NOT_SUPPORTED "org.syscage.Error.NotSupported"
#define BUS_ERROR_FAILED "org.syscage.Error.Failed"

/* Per-call limits the daemon enforces (STYLE.md #10); the client checks them too, for a
 * clearer message. */
#define BUS_CALL_LIST_MAX 1024u              /* entries in any array argument */
#define BUS_CALL_STRING_MAX (64u * 1024u)    /* bytes in any one string argument */
#define BUS_CALL_BYTES_MAX (1024u * 1024u)   /* bytes of all string arguments of one call */
#define BUS_LOG_LINES_MAX 10000u             /* lines GetLogs returns at most */
#define BUS_LOG_READ_MAX (4u * 1024u * 1024u) /* bytes of log records GetLogs returns at most */
#define BUS_LOG_FILES_MAX 64u                /* log files OpenLogFiles hands out in one reply */
