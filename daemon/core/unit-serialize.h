/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's durable state: what a new daemon needs to take the unit over after a crash or a
 * re-exec (manager-takeover.h), in RUNTIME_DIR/state/NAME.state (lib/state-file.h format).
 * Written with the unit's status file (once per event-loop iteration in which the unit
 * changed, and whenever it gains or loses a process); removed when the unit is dead with
 * nothing left to take over.
 *
 * Keys: the state, result and counters of the state machine, the invocation id, the
 * timestamps, the deadline of the pending timer (CLOCK_MONOTONIC, which a new daemon shares),
 * the cgroup, the identity of the activation (uid, gid, private /tmp), the ids of the output
 * streams, and one "proc" entry per process: "PID STARTTIME ROLE HOLDERNAME|- LASTNOTIFID" (the last
 * seccomp notification received on its gate, for answering one left unanswered).
 */
#pragma once

#include "core/unit.h"
#include "sys/holder-client.h"
#include "state-file.h"

#define UNIT_STATE_DIR "state"   /* below RUNTIME_DIR */

/* RUNTIME_DIR/state, made if missing and opened once (Manager.state_files_fd, owned by the
 * Manager), or -errno. */
int unit_state_dir_fd(Manager *m);
/* Writes (or removes) U's file now. Failures are logged at debug level: the next change
 * writes it again, and a missing file only means the unit is not taken over. */
void unit_serialize(Unit *u);
void unit_serialize_remove(Unit *u);

/* Takes the unit over from S (see manager-takeover.h), with the descriptors the holder kept
 * (taken out of F). Returns 0 when everything was taken back; -errno and a sentence in
 * *ret_message when not: the caller then stops what is left of the unit. */
int unit_deserialize(Unit *u, const StateFile *s, HolderFds *f, char **ret_message);
/* Loads the transient unit NAME whose assignments S carries (a transient unit exists only
 * in memory and in its state file). -ENOENT when S has none: NAME was not transient. */
int unit_deserialize_transient(Manager *m, const char *name, const StateFile *s, Unit **ret,
                               char **ret_message);
/* After a failed unit_deserialize(): forgets the processes and timers it took back, and
 * leaves the unit failed (or as it was, when inactive). Kills nothing. */
void unit_deserialize_undo(Unit *u);
