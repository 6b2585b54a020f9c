/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cube.h"

int cube_interval(unsigned arg, uint64_t w, uint64_t sign, uint64_t lo, uint64_t hi,
                  int (*add)(void *set, const Cube *c), void *set) {
        unsigned width = (unsigned) __builtin_popcountll(w);
        int r;

        if (lo > hi)
                return 0;
        for (;;) {
                unsigned k = 0;
                uint64_t span;
                Cube c;

                /* The largest block starting at LO, aligned to its size, not past HI. */
                while (k < width) {
                        uint64_t next = k + 1 >= 64 ? UINT64_MAX : (UINT64_C(1) << (k + 1)) - 1;
                        if ((lo & next) || hi - lo < next)
                                break;
                        k++;
                }
                span = k >= 64 ? UINT64_MAX : (UINT64_C(1) << k) - 1;
                c = cube_one(arg, w & ~span, lo ^ sign);
                if ((r = add(set, &c)) < 0)
                        return r;
                if (hi - lo <= span)
                        return 0;
                lo += span + 1;
        }
}
