/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's cache of compiled filters, keyed by policy content: a hash map from
 * policy_hash() in hex to a chain of entries (FilterEntry.next) whose policies differ but hash
 * alike. A hash alone never decides: a hit is confirmed with policy_equal(). Only what the
 * policy says matters, so units that differ in anything else (environment, user, command)
 * share one entry; it goes when the last unit drops it.
 *
 * The launch key. The gate kills from the daemon, behind a USER_NOTIF result; a filter the
 * service installs itself and that returns ERRNO for execve outranks USER_NOTIF, so the
 * exec would merely fail, unseen by the gate. So when the gate's action is kill, F_policy
 * makes the kernel kill every execve whose unused argument registers (args 3..5) do not
 * hold the daemon's key, and every execveat: SECCOMP_RET_KILL_PROCESS outranks anything the
 * service can add, and the kernel's audit record names the call (sys/kmsg reads it). The
 * key is 192 random bits drawn once per daemon, compiled into every such filter (entries
 * stay shared by policy content). One key for all launches is enough: it only lets an
 * execve reach the gate, which still continues exactly one execve per launch (the
 * launch's own, recognised by its pointers), so a service that somehow learned the key is
 * back to the gate alone, not free. It is never in the service's reach: it lives in the
 * daemon's memory, in the loaded filters (readable only with CAP_SYS_ADMIN, through
 * PTRACE_SECCOMP_GET_FILTER; the gate still holds against such a reader), and in the
 * launch child's registers for its execve (not dumpable, so /proc/PID/syscall is closed to
 * the service's user; the new program starts with fresh registers).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "exec/filter-cache.h"
#include "filter.h"
#include "policy.h"

assert_cc(sizeof(((ExecPlan *) 0)->exec_key) == sizeof(PolicyExecKey));

static void fprog_free(struct sock_fprog *f) {
        if (!f)
                return;
        free(f->filter);
        free(f);
}

/* The launch path takes programs as one array in load order. */
static int fprog_from_set(const FilterSet *s, struct sock_fprog **ret, size_t *ret_n) {
        struct sock_fprog *a = calloc(s->n, sizeof *a);
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++) {
                size_t bytes = s->progs[i].len * sizeof(struct sock_filter);
                a[i].len = s->progs[i].len;
                a[i].filter = malloc(bytes);
                if (!a[i].filter) {
                        while (i > 0)
                                free(a[--i].filter);
                        free(a);
                        return -ENOMEM;
                }
                memcpy(a[i].filter, s->progs[i].filter, bytes);
        }
        *ret = a;
        *ret_n = s->n;
        return 0;
}

static void entry_free(FilterEntry *e) {
        policy_unref(e->source);
        for (size_t i = 0; e->policy && i < e->n_policy; i++)
                free(e->policy[i].filter);
        free(e->policy);
        fprog_free(e->notify);
        free(e);
}

static int entry_compile(FilterEntry *e, const PolicyExecKey *key, const Policy *p) {
        _cleanup_(filter_set_freep) FilterSet *notify = NULL, *policy = NULL;
        size_t n;
        int r;

        e->gate = policy_denies_exec(p);
        if (e->gate)
                r = filter_compile_gate_keyed(p, key, &notify, &policy);
        else
                r = filter_compile(p, &policy);
        if (r < 0)
                return r;
        r = fprog_from_set(policy, &e->policy, &e->n_policy);
        if (r < 0)
                return r;
        if (!e->gate)
                return 0;
        if (notify->n != 1)
                return -EINVAL;
        struct sock_fprog *a;
        r = fprog_from_set(notify, &a, &n);
        if (r < 0)
                return r;
        e->notify = a;
        /* What a denied execve gets: the policy's own action for it (an errno, 0 being fake
         * success, or kill). */
        PolicyAction act = policy_exec_gate_action(p);
        if (p->complain) {
                /* PolicyMode=complain: every execve runs and is reported. */
                e->gate_action = EXEC_GATE_REPORT;
                e->gate_errno = 0;
        } else if (act.type == POLICY_ACTION_ERRNO) {
                e->gate_action = EXEC_GATE_ERRNO;
                e->gate_errno = act.errno_value;
        } else {
                e->gate_action = EXEC_GATE_KILL;
                e->gate_errno = EPERM;
                if (key)
                        e->exec_key = *key; /* compiled in by policy_derive_gate() */
        }
        return 0;
}

static FilterEntry *cache_find(Hashmap *cache, const char *key, const Policy *policy) {
        for (FilterEntry *e = hashmap_get(cache, key); e; e = e->next)
                if (e->source == policy || policy_equal(e->source, policy))
                        return e;
        return NULL;
}

/* Puts E at the head of its hash chain. */
static int cache_insert(Hashmap *cache, FilterEntry *e) {
        FilterEntry *head = hashmap_remove(cache, e->key);
        int r;

        e->next = head;
        r = hashmap_put(cache, e->key, e);
        if (r < 0 && head)
                /* Cannot fail: the map holds one entry less than before. */
                (void) hashmap_put(cache, head->key, head);
        if (r < 0)
                e->next = NULL;
        return r;
}

static void cache_remove(Hashmap *cache, FilterEntry *e) {
        FilterEntry *head = hashmap_get(cache, e->key);

        if (head == e) {
                (void) hashmap_remove(cache, e->key);
                /* The next entry's key is the same string: re-key the chain on it. The map
                 * only shrank, so this cannot fail. */
                if (e->next)
                        (void) hashmap_put(cache, e->next->key, e->next);
        } else
                for (FilterEntry *x = head; x; x = x->next)
                        if (x->next == e) {
                                x->next = e->next;
                                break;
                        }
        e->next = NULL;
}

int filter_cache_get_hashed(Hashmap *cache, const PolicyExecKey *exec_key, Policy *policy, uint64_t hash,
                            FilterEntry **ret) {
        char key[17];
        int r;

        policy_sort(policy); /* no-op for a built or interned policy; policy_equal() needs it */
        snprintf(key, sizeof key, "%016llx", (unsigned long long) hash);
        FilterEntry *e = cache_find(cache, key, policy);
        if (e) {
                *ret = filter_entry_ref(e);
                return 0;
        }
        e = calloc(1, sizeof *e);
        if (!e)
                return -ENOMEM;
        memcpy(e->key, key, sizeof key);
        e->source = policy_ref(policy);
        r = entry_compile(e, exec_key, policy);
        if (r >= 0)
                r = cache_insert(cache, e);
        if (r < 0) {
                entry_free(e);
                return r;
        }
        e->cache = cache;
        e->n_ref = 1;
        *ret = e;
        return 0;
}

int filter_cache_get(Hashmap *cache, const PolicyExecKey *key, Policy *policy, FilterEntry **ret) {
        return filter_cache_get_hashed(cache, key, policy, policy_hash(policy), ret);
}

int filter_cache_new_key(PolicyExecKey *ret) {
        PolicyExecKey k;
        ssize_t n;

        /* Blocks only before the kernel's pool is first initialised, at early boot. */
        do
                n = getrandom(&k, sizeof k, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n != sizeof k)
                return -EIO;
        *ret = k;
        return 0;
}

FilterEntry *filter_entry_ref(FilterEntry *e) {
        if (e)
                e->n_ref++;
        return e;
}

FilterEntry *filter_entry_unref(FilterEntry *e) {
        if (!e || --e->n_ref > 0)
                return NULL;
        if (e->cache)
                cache_remove(e->cache, e);
        entry_free(e);
        return NULL;
}
