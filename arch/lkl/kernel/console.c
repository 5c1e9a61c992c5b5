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

/* As early as consoles may register, so the banner is printed too. */
static int __init lkl_console_init(void)
{
	register_console(&lkl_console);
	return 0;
}
console_initcall(lkl_console_init);
