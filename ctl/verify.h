/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* "syscagectl verify FILE|NAME...": every diagnostic as FILE:LINE: KEY: message. */
int verb_verify(int argc, char **argv);
