// SPDX-License-Identifier: GPL-2.0
/* /proc/cpuinfo: the virtual CPUs, which are the host's threads. */
#include <linux/seq_file.h>
#include <linux/cpumask.h>

static int cpuinfo_show(struct seq_file *m, void *v)
{
	unsigned long cpu = (unsigned long)v - 1;

	seq_printf(m, "processor\t: %lu\nvendor_id\t: LKL\nmodel name\t: host thread\n\n",
		   cpu);
	return 0;
}

static void *cpuinfo_start(struct seq_file *m, loff_t *pos)
{
	if (*pos >= nr_cpu_ids || !cpu_online(*pos))
		return NULL;
	return (void *)(unsigned long)(*pos + 1);
}

static void *cpuinfo_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return cpuinfo_start(m, pos);
}

static void cpuinfo_stop(struct seq_file *m, void *v)
{
}

const struct seq_operations cpuinfo_op = {
	.start	= cpuinfo_start,
	.next	= cpuinfo_next,
	.stop	= cpuinfo_stop,
	.show	= cpuinfo_show,
};
