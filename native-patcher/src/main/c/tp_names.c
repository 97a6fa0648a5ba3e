/* Names, protocol properties, struct initialisers: the library's vocabulary. */
#include "tp_internal.h"

#include <string.h>

const char *tp_errstr(int code)
{
	switch (code < 0 ? -code : code) {
	case tp_ok:
		return "success";
	case tp_internal:
		return "internal error";
	case tp_invalid:
		return "invalid argument";
	case tp_bad_protocol:
		return "protocol not available on this architecture";
	case tp_bad_placement:
		return "protocol cannot patch sites placed like this";
	case tp_nomem:
		return "out of memory";
	case tp_few_cpus:
		return "fewer than two usable CPUs";
	case tp_affinity:
		return "cannot pin a thread to a CPU";
	case tp_no_membarrier:
		return "no membarrier system call";
	case tp_no_sync_core:
		return "no core-serialising membarrier (PRIVATE_EXPEDITED_SYNC_CORE)";
	case tp_membarrier_perm:
		return "membarrier: not registered";
	case tp_seccomp:
		return "membarrier denied by a seccomp filter";
	case tp_membarrier_failed:
		return "membarrier failed";
	case tp_mapping:
		return "cannot map or protect the code region";
	case tp_signal:
		return "cannot install signal handlers";
	case tp_thread:
		return "cannot start a thread";
	case tp_busy:
		return "another race is running in this process";
	case tp_too_big:
		return "run too large for the execution logs";
	case tp_sched:
		return "cannot set real-time scheduling";
	default:
		return "unknown error";
	}
}

uint32_t tp_abi_version(void)
{
	return TP_ABI_VERSION;
}

uint32_t tp_host_arch(void)
{
	return TP_HOST_ARCH;
}

const char *tp_arch_name(uint32_t arch)
{
	switch (arch) {
	case tp_arch_x86_64:
		return "x86-64";
	case tp_arch_aarch64:
		return "aarch64";
	default:
		return NULL;
	}
}

struct protocol_info {
	const char *name;
	/* Per enum tp_arch: 0 absent, else 1 + enum tp_guarantee. */
	uint8_t guarantee[2];
	uint8_t barrier;
};

/* Guarantees: x86's SDM leaves cross-modification without a serialising instruction on the
 * executing CPU "model-specific" (Vol. 3A, handling cross-modifying code), so only the
 * protocols that serialise every executor promise anything there. On arm64 NOP, B and BRK
 * are all in the CMODX set and written with one single-copy-atomic store, so none of those
 * protocols tears; only a context-synchronising event on each executor (membarrier
 * SYNC_CORE) bounds staleness. */
static const struct protocol_info protocols[tp_proto_count] = {
	[tp_proto_naive] = {"naive", {1 + tp_guarantee_none, 1 + tp_guarantee_none},
			    tp_barrier_none},
	[tp_proto_atomic] = {"atomic", {1 + tp_guarantee_none, 1 + tp_guarantee_untorn},
			     tp_barrier_none},
	[tp_proto_int3] = {"int3", {1 + tp_guarantee_none, 0}, tp_barrier_none},
	[tp_proto_int3_sync] = {"int3-sync", {1 + tp_guarantee_untorn_fresh, 0},
				tp_barrier_sync_core},
	[tp_proto_mprotect] = {"mprotect", {1 + tp_guarantee_untorn_fresh, 0},
			       tp_barrier_mprotect},
	[tp_proto_batch] = {"batch", {1 + tp_guarantee_untorn_fresh, 0}, tp_barrier_sync_core},
	[tp_proto_brk] = {"brk", {0, 1 + tp_guarantee_untorn}, tp_barrier_none},
	[tp_proto_brk_sync] = {"brk-sync", {0, 1 + tp_guarantee_untorn_fresh},
			       tp_barrier_sync_core},
};

const char *tp_protocol_name(uint32_t protocol)
{
	return protocol < tp_proto_count ? protocols[protocol].name : NULL;
}

int tp_protocol_supported(uint32_t protocol, uint32_t arch)
{
	return protocol < tp_proto_count && arch <= tp_arch_aarch64 &&
	       protocols[protocol].guarantee[arch] != 0;
}

int tp_protocol_guarantee(uint32_t protocol, uint32_t arch)
{
	if (!tp_protocol_supported(protocol, arch))
		return -tp_bad_protocol;
	return protocols[protocol].guarantee[arch] - 1;
}

uint32_t tp_protocol_barrier(uint32_t protocol, uint32_t arch)
{
	return tp_protocol_supported(protocol, arch) ? protocols[protocol].barrier
						     : tp_barrier_none;
}

const char *tp_placement_name(uint32_t placement)
{
	static const char *const names[tp_place_count] = {"mixed", "straddle", "aligned"};
	return placement < tp_place_count ? names[placement] : NULL;
}

const char *tp_site_kind_name(uint32_t kind)
{
	static const char *const names[tp_kind_count] = {
		"jmp32-straddle", "jmp8-straddle", "jmp32-aligned", "jmp8-aligned", "b-aligned"};
	return kind < tp_kind_count ? names[kind] : NULL;
}

const char *tp_barrier_name(uint32_t barrier)
{
	static const char *const names[tp_barrier_count] = {
		"none", "membarrier-sync-core", "membarrier-expedited", "mprotect", "syscall"};
	return barrier < tp_barrier_count ? names[barrier] : NULL;
}

void tp_config_init(struct tp_config *config)
{
	memset(config, 0, sizeof(*config));
	config->size = sizeof(*config);
	config->patches = 100000;
	config->protocol = tp_proto_naive;
	config->placement = tp_place_mixed;
	config->sites = 4;
	config->plant_hold_ns = 2000000;
	config->progress_fd = -1;
}

void tp_result_init(struct tp_result *result)
{
	memset(result, 0, sizeof(*result));
	result->size = sizeof(*result);
}

void tp_cost_config_init(struct tp_cost_config *config)
{
	memset(config, 0, sizeof(*config));
	config->size = sizeof(*config);
	config->calls = 20000;
	config->points = 2;
	config->threads[0] = 0;
	config->threads[1] = 1;
}

void tp_cost_result_init(struct tp_cost_result *result)
{
	memset(result, 0, sizeof(*result));
	result->size = sizeof(*result);
}

uint64_t tp_struct_size(const char *name)
{
	static const struct {
		const char *name;
		uint64_t size;
	} sizes[] = {
		{"tp_config", sizeof(struct tp_config)},
		{"tp_result", sizeof(struct tp_result)},
		{"tp_stat", sizeof(struct tp_stat)},
		{"tp_kind_counts", sizeof(struct tp_kind_counts)},
		{"tp_cost_config", sizeof(struct tp_cost_config)},
		{"tp_cost_result", sizeof(struct tp_cost_result)},
		{"tp_log_entry", sizeof(struct tp_log_entry)},
		{"tp_site_check", sizeof(struct tp_site_check)},
	};

	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (strcmp(sizes[i].name, name) == 0)
			return sizes[i].size;
	}
	return 0;
}
