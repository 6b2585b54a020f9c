/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, a MAC for short inputs.
 * syscaged signs its state files with it, under a key only it and its fd holder know, so that
 * a file another process wrote is not taken for its own (core/manager-takeover.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_SIZE 16u

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_SIZE], const void *data, size_t size);
