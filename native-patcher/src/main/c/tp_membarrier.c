/*
 * membarrier(2) as the patcher uses it: QUERY, REGISTER, and the errors a user can meet,
 * each turned into an error code and a sentence (kernel/sched/membarrier.c):
 *   ENOSYS  no membarrier in this kernel (CONFIG_MEMBARRIER=n);
 *   EINVAL  unknown command, or SYNC_CORE on a kernel/architecture without
 *           CONFIG_ARCH_HAS_MEMBARRIER_SYNC_CORE (QUERY then omits its bits too);
 *   EPERM   a PRIVATE_EXPEDITED* command before its REGISTER.
 * A seccomp filter can make any of them appear (container runtimes return EPERM or ENOSYS
 * for denied calls), so when a filter is active the message says so.
 */
#include "tp_internal.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0u, 0);
}

int tp_seccomp_mode(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int mode = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	}
	fclose(f);
	return mode;
}

static const char *errno_name(int err)
{
	switch (err) {
	case ENOSYS:
		return "ENOSYS";
	case EINVAL:
		return "EINVAL";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	default:
		return strerror(err);
	}
}

static int membarrier_error(int err, const char *call, int *sys_errno, char *detail, size_t n)
{
	int seccomp = tp_seccomp_mode();

	*sys_errno = err;
	if (seccomp > 0 && (err == ENOSYS || err == EPERM || err == EACCES)) {
		tp_detail(detail, n,
			  "membarrier(%s) failed with %s while a seccomp filter is active (Seccomp: %d"
			  " in /proc/self/status): the filter denies membarrier; run outside the"
			  " sandbox or allow the system call",
			  call, errno_name(err), seccomp);
		return -tp_seccomp;
	}
	switch (err) {
	case ENOSYS:
		tp_detail(detail, n,
			  "membarrier(%s) failed with ENOSYS: this kernel has no membarrier system"
			  " call (CONFIG_MEMBARRIER=n)",
			  call);
		return -tp_no_membarrier;
	case EINVAL:
		tp_detail(detail, n,
			  "membarrier(%s) failed with EINVAL: this kernel or architecture does not"
			  " offer the command (core-serialising membarrier needs"
			  " CONFIG_ARCH_HAS_MEMBARRIER_SYNC_CORE)%s",
			  call, seccomp > 0 ? "; note: a seccomp filter is also active" : "");
		return -tp_no_sync_core;
	case EPERM:
		tp_detail(detail, n,
			  "membarrier(%s) failed with EPERM: the process is not registered for it",
			  call);
		return -tp_membarrier_perm;
	default:
		tp_detail(detail, n, "membarrier(%s) failed: %s", call, strerror(err));
		return -tp_membarrier_failed;
	}
}

int tp_membarrier_query(uint64_t *mask)
{
	char detail[TP_DETAIL_SIZE];
	int sys_errno;
	long r;

	if (!mask)
		return -tp_invalid;
	r = sys_membarrier(MEMBARRIER_CMD_QUERY);
	if (r < 0)
		return membarrier_error(errno, "QUERY", &sys_errno, detail, sizeof(detail));
	*mask = (uint64_t)r;
	return 0;
}

/* The command pair behind a membarrier barrier. */
static int commands(uint32_t barrier, int *cmd, int *reg, const char **cmd_name,
		    const char **reg_name)
{
	switch (barrier) {
	case tp_barrier_sync_core:
		*cmd = MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE;
		*reg = MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
		*cmd_name = "PRIVATE_EXPEDITED_SYNC_CORE";
		*reg_name = "REGISTER_PRIVATE_EXPEDITED_SYNC_CORE";
		return 1;
	case tp_barrier_expedited:
		*cmd = MEMBARRIER_CMD_PRIVATE_EXPEDITED;
		*reg = MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
		*cmd_name = "PRIVATE_EXPEDITED";
		*reg_name = "REGISTER_PRIVATE_EXPEDITED";
		return 1;
	default:
		return 0;
	}
}

int tp_barrier_prepare(uint32_t barrier, uint64_t *query, int *sys_errno, char *detail,
		       size_t detail_len)
{
	int cmd, reg;
	const char *cmd_name, *reg_name;
	uint64_t mask;

	if (!commands(barrier, &cmd, &reg, &cmd_name, &reg_name))
		return 0;
	long r = sys_membarrier(MEMBARRIER_CMD_QUERY);
	if (r < 0)
		return membarrier_error(errno, "QUERY", sys_errno, detail, detail_len);
	mask = (uint64_t)r;
	*query = mask;
	if (!(mask & (uint64_t)cmd) || !(mask & (uint64_t)reg)) {
		tp_detail(detail, detail_len,
			  "membarrier QUERY returns 0x%llx, without %s: this kernel or architecture"
			  " offers no such barrier%s",
			  (unsigned long long)mask, cmd_name,
			  barrier == tp_barrier_sync_core
				  ? " (core-serialising membarrier needs"
				    " CONFIG_ARCH_HAS_MEMBARRIER_SYNC_CORE)"
				  : "");
		return barrier == tp_barrier_sync_core ? -tp_no_sync_core : -tp_membarrier_failed;
	}
	if (sys_membarrier(reg) < 0)
		return membarrier_error(errno, reg_name, sys_errno, detail, detail_len);
	/* A first call, so that a filter denying only the command shows here, not mid-run. */
	if (sys_membarrier(cmd) < 0)
		return membarrier_error(errno, cmd_name, sys_errno, detail, detail_len);
	return 0;
}

int tp_barrier_run(uint32_t barrier, void *page, size_t page_len)
{
	switch (barrier) {
	case tp_barrier_sync_core:
		return sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) < 0
			       ? -tp_membarrier_failed
			       : 0;
	case tp_barrier_expedited:
		return sys_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) < 0 ? -tp_membarrier_failed
									   : 0;
	case tp_barrier_mprotect:
		/* The process-wide barrier of .NET's FlushProcessWriteBuffers fallback: taking a
		 * permission away flushes the page from the TLBs of every CPU running the mm, by
		 * IPI on x86. */
		if (mprotect(page, page_len, PROT_READ | PROT_WRITE) != 0)
			return -tp_mapping;
		*(volatile char *)page = 1;
		if (mprotect(page, page_len, PROT_NONE) != 0)
			return -tp_mapping;
		return 0;
	case tp_barrier_syscall:
		(void)getppid();
		return 0;
	default:
		return 0;
	}
}
