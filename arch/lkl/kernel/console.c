// SPDX-License-Identifier: GPL-2.0
/* The kernel log goes to the host's print operation. */
#include <linux/console.h>
#include <linux/init.h>
#include <asm/lkl.h>

static void lkl_console_write(struct console *con, const char *str,
			      unsigned int len)
{
	lkl_ops->print(str, len);
}

static struct console lkl_console = {
	.name	= "lkl_console",
	.write	= lkl_console_write,
	.flags	= CON_PRINTBUFFER,
	.index	= -1,
};

/*
 * Registered from setup_arch(), before memory is set up, so that even a
 * panic there is printed; the log buffer replays the banner.
 */
void __init lkl_console_init(void)
{
	register_console(&lkl_console);
}
