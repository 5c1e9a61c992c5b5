// SPDX-License-Identifier: GPL-2.0
/*
 * /init for a library.
 *
 * kernel_init() ends by exec'ing /init, and a library has no program to
 * run.  A late initcall writes a tiny /init to the root filesystem and a
 * binary format accepts exactly that file: the exec succeeds, init
 * "returns to user mode", and there becomes the parent of the host tasks
 * (host_tasks.c).  lkl_start_kernel() returns then: every initcall ran.
 */
#include <linux/binfmts.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <asm/lkl.h>

static const char init_magic[] = "\x7fLKL-init\n";

static int load_lkl_init(struct linux_binprm *bprm)
{
	int ret;

	if (memcmp(bprm->buf, init_magic, sizeof(init_magic) - 1))
		return -ENOEXEC;

	ret = begin_new_exec(bprm);
	if (ret)
		return ret;
	setup_new_exec(bprm);
	finalize_exec(bprm);
	return 0;
}

static struct linux_binfmt lkl_init_format = {
	.module		= THIS_MODULE,
	.load_binary	= load_lkl_init,
};

static int __init lkl_init_format_register(void)
{
	register_binfmt(&lkl_init_format);
	return 0;
}
core_initcall(lkl_init_format_register);

static int __init lkl_write_init(void)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t n;

	file = filp_open("/init", O_CREAT | O_WRONLY | O_TRUNC, 0700);
	if (IS_ERR(file))
		panic("lkl: cannot create /init: %ld\n", PTR_ERR(file));
	n = kernel_write(file, init_magic, sizeof(init_magic) - 1, &pos);
	fput(file);
	/* init is no kernel thread: its fput() waits for "user mode". */
	task_work_run();
	if (n != sizeof(init_magic) - 1)
		panic("lkl: cannot write /init: %zd\n", n);
	return 0;
}
late_initcall(lkl_write_init);
