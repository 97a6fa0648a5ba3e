/*
 * Loads a trivial socket-filter BPF program ("return 0") with the bpf() syscall, keeps it loaded
 * for a moment and closes it, so that a system-wide perf record sees PERF_RECORD_KSYMBOL and
 * PERF_RECORD_BPF_EVENT for both the load and the unload. No libbpf: only the raw syscall.
 *
 *   bpfload [COUNT]    load and unload the program COUNT times (default 2)
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 2;
	/* r0 = 0; exit */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	for (int i = 0; i < count; i++) {
		union bpf_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
		attr.license = (unsigned long)"GPL";
		strncpy(attr.prog_name, "textpoke_trace", sizeof(attr.prog_name) - 1);
		int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (fd < 0) {
			perror("bpf(BPF_PROG_LOAD)");
			return 1;
		}
		usleep(20000);
		close(fd);
		usleep(20000);
	}
	return 0;
}
