// SPDX-License-Identifier: GPL-2.0
/* LKL has no assembly: no structure offsets to export to it. */
