/*
 * ptharness: libipt (Debian libipt-dev 2.0.5) as an oracle for textpoke's Intel PT decoders.
 * Built by the tests (LibiptHarness.java runs `make` here; the binary goes to target/).
 *
 * Usage:
 *   ptharness packets   [CONFIG...] TRACE...
 *   ptharness insn      [CONFIG...] TRACE IMAGE@ADDR...
 *   ptharness pkt-count  [CONFIG...] TRACE
 *   ptharness insn-count [CONFIG...] TRACE IMAGE@ADDR...
 *   ptharness blk-count  [CONFIG...] TRACE IMAGE@ADDR...
 *   ptharness insn-batch LIST
 *
 * TRACE is a file of raw Intel PT bytes (one buffer). IMAGE@ADDR loads a raw code file at virtual
 * address ADDR (hex with 0x, or decimal); IMAGE:OFFSET:SIZE@ADDR loads part of one.
 *
 * CONFIG (struct pt_config):
 *   --cpu FAMILY/MODEL[/STEPPING]  the CPU (decimal or 0x hex); enables libipt's errata for it
 *   --mtc-freq N                   IA32_RTIT_CTL.MTCFreq
 *   --nom-freq N                   MSR_PLATFORM_INFO[15:8], the nominal (max non-turbo) ratio
 *   --cpuid-0x15-eax N, --cpuid-0x15-ebx N   the TSC:CTC ratio (denominator, numerator)
 *   --tick                         enable tick events (insn, blk)
 *   --end-on-call, --end-on-jump   block decoder flags (blk-count)
 *   --tsc                          print the TSC of events that have one (insn)
 *
 * Output of `packets` (pt_pkt_decoder), one line per item, numbers in hex with 0x (with more than
 * one TRACE, each one's lines follow a line "trace PATH"):
 *   sync OFFSET                    synchronised at the PSB at OFFSET (pt_pkt_sync_forward)
 *   OFFSET NAME size=N FIELDS      one packet; NAME and FIELDS:
 *       pad | psb | psbend | stop | ovf
 *       fup|tip|tip.pge|tip.pgd ipc=N ip=PAYLOAD   (the payload as written, not expanded)
 *       tnt.8|tnt.64 bits=N payload=BITS  (the oldest outcome in bit N-1)
 *       mode.exec csl=B csd=B     mode.tsx intx=B abrt=B     pip cr3=X nr=B     vmcs base=X
 *       cbr ratio=X   tsc tsc=X   tma ctc=X fc=X   mtc ctc=X   cyc value=X   mnt payload=X
 *       exstop ip=B   mwait hints=X ext=X   pwre state=N sub=N hw=B
 *       pwrx last=N deepest=N int=B store=B hw=B   ptw plc=N ip=B payload=X
 *   error OFFSET KIND              pt_pkt_next failed at OFFSET (KIND: pte_ name upper-cased,
 *                                  e.g. BAD_OPC, BAD_PACKET, EOS); a sync follows
 *   end                            no further PSB, or the end of the trace
 *
 * Output of `insn` (pt_insn_decoder, decoded as ptxed does), one line per item:
 *   sync OFFSET                    pt_insn_sync_forward succeeded; OFFSET of the PSB
 *   insn IP SIZE ICLASS MODE [spec] [trunc]
 *                                  ICLASS: other call return jump cond_jump far_call far_return
 *                                  far_jump ptwrite; MODE: 16 32 64 unknown
 *   event NAME FIELDS [status-update] [tsc=X]   (ip=... is left out when the event's IP is
 *                                  suppressed)
 *       enabled ip=X [resumed] | disabled [ip=X] | async-disabled at=X [ip=X]
 *       async-branch from=X [to=X] | paging cr3=X [nr] | async-paging cr3=X [nr] ip=X
 *       overflow [ip=X] | exec-mode mode=M [ip=X] | tsx [ip=X] begin|committed|aborted
 *       stop | vmcs base=X | async-vmcs base=X ip=X | exstop [ip=X]
 *       mwait hints=X ext=X [ip=X] | pwre state=N sub=N [hw] | pwrx last=N deepest=N [int] [store] [hw]
 *       ptwrite payload=X size=N [ip=X] | tick [ip=X] | cbr ratio=X | mnt payload=X
 *   eos                            the trace ended where ptxed prints [end of trace]
 *   error OFFSET IP KIND           decoding failed at trace OFFSET, last instruction IP; the
 *                                  decoder then syncs forward (as ptxed does)
 *
 * `insn-batch` runs `insn` once per line of the file LIST, each line holding the arguments
 * ([CONFIG...] TRACE IMAGE@ADDR..., separated by spaces): for the many small traces of a
 * differential test, one process instead of one per trace. Each line's output follows a line
 * "trace N" (N counts lines from 1).
 *
 * Output of `insn-count` and `blk-count`: tight pt_insn_next / pt_blk_next loops (events drained
 * but not printed), one line:  insns N blocks N errors N seconds S  (S: the loop alone, not the
 * loading, by CLOCK_MONOTONIC). `pkt-count`: a tight pt_pkt_next loop (resyncing after errors),
 * one line:  packets N errors N seconds S
 *
 * Exit status: 0 done (decode errors are output, not failures), 2 bad usage or unreadable files.
 */
#define _GNU_SOURCE
#include <intel-pt.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct options {
	struct pt_config config;
	int print_tsc;
	const char *trace;
	int nimages;
	char **images;
};

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "ptharness: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static uint64_t number(const char *s)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0')
		die("not a number", s);
	return v;
}

/* Reads a whole file into a buffer with 16 zero bytes of slack after it: libipt 2.0.5's PSB
 * search may look one byte past the end of the trace. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0)
		die("cannot open", path);
	uint8_t *buf = calloc((size_t) st.st_size + 16, 1);
	if (!buf)
		die("out of memory for", path);
	if (st.st_size && fread(buf, 1, (size_t) st.st_size, f) != (size_t) st.st_size)
		die("cannot read", path);
	fclose(f);
	*size = (size_t) st.st_size;
	return buf;
}

static const char *error_name(int status)
{
	switch (pt_errcode(status)) {
	case pte_ok: return "OK";
	case pte_internal: return "INTERNAL";
	case pte_invalid: return "INVALID";
	case pte_nosync: return "NOSYNC";
	case pte_bad_opc: return "BAD_OPC";
	case pte_bad_packet: return "BAD_PACKET";
	case pte_bad_context: return "BAD_CONTEXT";
	case pte_eos: return "EOS";
	case pte_bad_query: return "BAD_QUERY";
	case pte_nomem: return "NOMEM";
	case pte_bad_config: return "BAD_CONFIG";
	case pte_noip: return "NOIP";
	case pte_ip_suppressed: return "IP_SUPPRESSED";
	case pte_nomap: return "NOMAP";
	case pte_bad_insn: return "BAD_INSN";
	case pte_no_time: return "NO_TIME";
	case pte_no_cbr: return "NO_CBR";
	case pte_bad_image: return "BAD_IMAGE";
	case pte_bad_lock: return "BAD_LOCK";
	case pte_not_supported: return "NOT_SUPPORTED";
	case pte_retstack_empty: return "RETSTACK_EMPTY";
	case pte_bad_retcomp: return "BAD_RETCOMP";
	case pte_bad_status_update: return "BAD_STATUS_UPDATE";
	case pte_no_enable: return "NO_ENABLE";
	case pte_event_ignored: return "EVENT_IGNORED";
	case pte_overflow: return "OVERFLOW";
	case pte_bad_file: return "BAD_FILE";
	case pte_bad_cpu: return "BAD_CPU";
	}
	return "UNKNOWN";
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int i;
	memset(o, 0, sizeof(*o));
	pt_config_init(&o->config);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0)
			break;
		if (strcmp(a, "--tick") == 0) {
			o->config.flags.variant.insn.enable_tick_events = 1;
			o->config.flags.variant.block.enable_tick_events = 1;
			continue;
		}
		if (strcmp(a, "--end-on-call") == 0) {
			o->config.flags.variant.block.end_on_call = 1;
			continue;
		}
		if (strcmp(a, "--end-on-jump") == 0) {
			o->config.flags.variant.block.end_on_jump = 1;
			continue;
		}
		if (strcmp(a, "--tsc") == 0) {
			o->print_tsc = 1;
			continue;
		}
		if (i + 1 >= argc)
			die("option needs a value", a);
		const char *v = argv[++i];
		if (strcmp(a, "--cpu") == 0) {
			char copy[64];
			char *parts[3] = {0};
			int n = 0;
			snprintf(copy, sizeof(copy), "%s", v);
			for (char *tok = strtok(copy, "/"); tok && n < 3; tok = strtok(NULL, "/"))
				parts[n++] = tok;
			if (n < 2)
				die("--cpu wants FAMILY/MODEL[/STEPPING]", v);
			o->config.cpu.vendor = pcv_intel;
			o->config.cpu.family = (uint16_t) number(parts[0]);
			o->config.cpu.model = (uint8_t) number(parts[1]);
			o->config.cpu.stepping = n > 2 ? (uint8_t) number(parts[2]) : 0;
			if (pt_cpu_errata(&o->config.errata, &o->config.cpu) < 0)
				die("libipt does not know the cpu", v);
		} else if (strcmp(a, "--mtc-freq") == 0) {
			o->config.mtc_freq = (uint8_t) number(v);
		} else if (strcmp(a, "--nom-freq") == 0) {
			o->config.nom_freq = (uint8_t) number(v);
		} else if (strcmp(a, "--cpuid-0x15-eax") == 0) {
			o->config.cpuid_0x15_eax = (uint32_t) number(v);
		} else if (strcmp(a, "--cpuid-0x15-ebx") == 0) {
			o->config.cpuid_0x15_ebx = (uint32_t) number(v);
		} else {
			die("unknown option", a);
		}
	}
	if (i >= argc)
		die("missing TRACE", NULL);
	o->trace = argv[i++];
	o->nimages = argc - i;
	o->images = argv + i;
	return 0;
}

/* IMAGE@ADDR or IMAGE:OFFSET:SIZE@ADDR into the decoder's image. */
static void add_images(struct pt_image *image, const struct options *o)
{
	for (int i = 0; i < o->nimages; i++) {
		char spec[4096];
		snprintf(spec, sizeof(spec), "%s", o->images[i]);
		char *at = strrchr(spec, '@');
		if (!at)
			die("an image is FILE@ADDR or FILE:OFFSET:SIZE@ADDR", o->images[i]);
		*at = '\0';
		uint64_t vaddr = number(at + 1);
		uint64_t offset = 0, size = 0;
		char *colon = strchr(spec, ':');
		if (colon) {
			char *colon2 = strchr(colon + 1, ':');
			if (!colon2)
				die("an image part is FILE:OFFSET:SIZE@ADDR", o->images[i]);
			*colon = '\0';
			*colon2 = '\0';
			offset = number(colon + 1);
			size = number(colon2 + 1);
		} else {
			struct stat st;
			if (stat(spec, &st) != 0)
				die("cannot open", spec);
			size = (uint64_t) st.st_size;
		}
		int err = pt_image_add_file(image, spec, offset, size, NULL, vaddr);
		if (err < 0)
			die("libipt does not take the image", o->images[i]);
	}
}

static void print_packet(uint64_t offset, const struct pt_packet *p)
{
	printf("0x%" PRIx64 " ", offset);
	switch (p->type) {
	case ppt_pad: printf("pad"); break;
	case ppt_psb: printf("psb"); break;
	case ppt_psbend: printf("psbend"); break;
	case ppt_stop: printf("stop"); break;
	case ppt_ovf: printf("ovf"); break;
	case ppt_fup:
	case ppt_tip:
	case ppt_tip_pge:
	case ppt_tip_pgd:
		printf("%s size=%u ipc=%d ip=0x%" PRIx64,
		       p->type == ppt_fup ? "fup" : p->type == ppt_tip ? "tip" :
		       p->type == ppt_tip_pge ? "tip.pge" : "tip.pgd",
		       p->size, (int) p->payload.ip.ipc, p->payload.ip.ip);
		printf("\n");
		return;
	case ppt_tnt_8:
	case ppt_tnt_64:
		printf("%s size=%u bits=%u payload=0x%" PRIx64, p->type == ppt_tnt_8 ? "tnt.8" : "tnt.64",
		       p->size, p->payload.tnt.bit_size, p->payload.tnt.payload);
		printf("\n");
		return;
	case ppt_mode:
		if (p->payload.mode.leaf == pt_mol_exec)
			printf("mode.exec size=%u csl=%u csd=%u\n", p->size, p->payload.mode.bits.exec.csl,
			       p->payload.mode.bits.exec.csd);
		else
			printf("mode.tsx size=%u intx=%u abrt=%u\n", p->size, p->payload.mode.bits.tsx.intx,
			       p->payload.mode.bits.tsx.abrt);
		return;
	case ppt_pip:
		printf("pip size=%u cr3=0x%" PRIx64 " nr=%u\n", p->size, p->payload.pip.cr3, p->payload.pip.nr);
		return;
	case ppt_vmcs:
		printf("vmcs size=%u base=0x%" PRIx64 "\n", p->size, p->payload.vmcs.base);
		return;
	case ppt_cbr:
		printf("cbr size=%u ratio=0x%x\n", p->size, p->payload.cbr.ratio);
		return;
	case ppt_tsc:
		printf("tsc size=%u tsc=0x%" PRIx64 "\n", p->size, p->payload.tsc.tsc);
		return;
	case ppt_tma:
		printf("tma size=%u ctc=0x%x fc=0x%x\n", p->size, p->payload.tma.ctc, p->payload.tma.fc);
		return;
	case ppt_mtc:
		printf("mtc size=%u ctc=0x%x\n", p->size, p->payload.mtc.ctc);
		return;
	case ppt_cyc:
		printf("cyc size=%u value=0x%" PRIx64 "\n", p->size, p->payload.cyc.value);
		return;
	case ppt_mnt:
		printf("mnt size=%u payload=0x%" PRIx64 "\n", p->size, p->payload.mnt.payload);
		return;
	case ppt_exstop:
		printf("exstop size=%u ip=%u\n", p->size, p->payload.exstop.ip);
		return;
	case ppt_mwait:
		printf("mwait size=%u hints=0x%x ext=0x%x\n", p->size, p->payload.mwait.hints, p->payload.mwait.ext);
		return;
	case ppt_pwre:
		printf("pwre size=%u state=%u sub=%u hw=%u\n", p->size, p->payload.pwre.state,
		       p->payload.pwre.sub_state, p->payload.pwre.hw);
		return;
	case ppt_pwrx:
		printf("pwrx size=%u last=%u deepest=%u int=%u store=%u hw=%u\n", p->size, p->payload.pwrx.last,
		       p->payload.pwrx.deepest, p->payload.pwrx.interrupt, p->payload.pwrx.store,
		       p->payload.pwrx.autonomous);
		return;
	case ppt_ptw:
		printf("ptw size=%u plc=%u ip=%u payload=0x%" PRIx64 "\n", p->size, p->payload.ptw.plc,
		       p->payload.ptw.ip, p->payload.ptw.payload);
		return;
	default:
		printf("type%d size=%u\n", (int) p->type, p->size);
		return;
	}
	printf(" size=%u\n", p->size);
}

static int run_packets(const struct options *o)
{
	struct pt_packet_decoder *dec = pt_pkt_alloc_decoder(&o->config);
	if (!dec)
		die("libipt refuses the configuration", NULL);
	int status = pt_pkt_sync_forward(dec);
	while (status >= 0) {
		uint64_t offset;
		pt_pkt_get_offset(dec, &offset);
		printf("sync 0x%" PRIx64 "\n", offset);
		for (;;) {
			struct pt_packet packet;
			pt_pkt_get_offset(dec, &offset);
			status = pt_pkt_next(dec, &packet, sizeof(packet));
			if (status < 0)
				break;
			print_packet(offset, &packet);
		}
		if (status == -pte_eos && offset == (uint64_t) (o->config.end - o->config.begin))
			break;
		printf("error 0x%" PRIx64 " %s\n", offset, error_name(status));
		status = pt_pkt_sync_forward(dec);
	}
	printf("end\n");
	pt_pkt_free_decoder(dec);
	return 0;
}

static const char *iclass_name(enum pt_insn_class c)
{
	switch (c) {
	case ptic_error: return "error";
	case ptic_other: return "other";
	case ptic_call: return "call";
	case ptic_return: return "return";
	case ptic_jump: return "jump";
	case ptic_cond_jump: return "cond_jump";
	case ptic_far_call: return "far_call";
	case ptic_far_return: return "far_return";
	case ptic_far_jump: return "far_jump";
	case ptic_ptwrite: return "ptwrite";
	}
	return "unknown";
}

static const char *mode_name(enum pt_exec_mode m)
{
	switch (m) {
	case ptem_16bit: return "16";
	case ptem_32bit: return "32";
	case ptem_64bit: return "64";
	default: return "unknown";
	}
}

static void print_ip(const struct pt_event *e, const char *name, uint64_t ip)
{
	if (!e->ip_suppressed)
		printf(" %s=0x%" PRIx64, name, ip);
}

static void print_event(const struct pt_event *e, int print_tsc)
{
	printf("event ");
	switch (e->type) {
	case ptev_enabled:
		printf("enabled ip=0x%" PRIx64 "%s", e->variant.enabled.ip, e->variant.enabled.resumed ? " resumed" : "");
		break;
	case ptev_disabled:
		printf("disabled");
		print_ip(e, "ip", e->variant.disabled.ip);
		break;
	case ptev_async_disabled:
		printf("async-disabled at=0x%" PRIx64, e->variant.async_disabled.at);
		print_ip(e, "ip", e->variant.async_disabled.ip);
		break;
	case ptev_async_branch:
		printf("async-branch from=0x%" PRIx64, e->variant.async_branch.from);
		print_ip(e, "to", e->variant.async_branch.to);
		break;
	case ptev_paging:
		printf("paging cr3=0x%" PRIx64 "%s", e->variant.paging.cr3, e->variant.paging.non_root ? " nr" : "");
		break;
	case ptev_async_paging:
		printf("async-paging cr3=0x%" PRIx64 "%s ip=0x%" PRIx64, e->variant.async_paging.cr3,
		       e->variant.async_paging.non_root ? " nr" : "", e->variant.async_paging.ip);
		break;
	case ptev_overflow:
		printf("overflow");
		print_ip(e, "ip", e->variant.overflow.ip);
		break;
	case ptev_exec_mode:
		printf("exec-mode mode=%s", mode_name(e->variant.exec_mode.mode));
		print_ip(e, "ip", e->variant.exec_mode.ip);
		break;
	case ptev_tsx:
		printf("tsx");
		print_ip(e, "ip", e->variant.tsx.ip);
		printf(" %s", e->variant.tsx.aborted ? "aborted" : e->variant.tsx.speculative ? "begin" : "committed");
		break;
	case ptev_stop:
		printf("stop");
		break;
	case ptev_vmcs:
		printf("vmcs base=0x%" PRIx64, e->variant.vmcs.base);
		break;
	case ptev_async_vmcs:
		printf("async-vmcs base=0x%" PRIx64 " ip=0x%" PRIx64, e->variant.async_vmcs.base,
		       e->variant.async_vmcs.ip);
		break;
	case ptev_exstop:
		printf("exstop");
		print_ip(e, "ip", e->variant.exstop.ip);
		break;
	case ptev_mwait:
		printf("mwait hints=0x%x ext=0x%x", e->variant.mwait.hints, e->variant.mwait.ext);
		print_ip(e, "ip", e->variant.mwait.ip);
		break;
	case ptev_pwre:
		printf("pwre state=%u sub=%u%s", e->variant.pwre.state, e->variant.pwre.sub_state,
		       e->variant.pwre.hw ? " hw" : "");
		break;
	case ptev_pwrx:
		printf("pwrx last=%u deepest=%u%s%s%s", e->variant.pwrx.last, e->variant.pwrx.deepest,
		       e->variant.pwrx.interrupt ? " int" : "", e->variant.pwrx.store ? " store" : "",
		       e->variant.pwrx.autonomous ? " hw" : "");
		break;
	case ptev_ptwrite:
		printf("ptwrite payload=0x%" PRIx64 " size=%u", e->variant.ptwrite.payload, e->variant.ptwrite.size);
		print_ip(e, "ip", e->variant.ptwrite.ip);
		break;
	case ptev_tick:
		printf("tick");
		print_ip(e, "ip", e->variant.tick.ip);
		break;
	case ptev_cbr:
		printf("cbr ratio=0x%x", e->variant.cbr.ratio);
		break;
	case ptev_mnt:
		printf("mnt payload=0x%" PRIx64, e->variant.mnt.payload);
		break;
	default:
		printf("type%d", (int) e->type);
		break;
	}
	if (e->status_update)
		printf(" status-update");
	if (print_tsc && e->has_tsc)
		printf(" tsc=0x%" PRIx64, e->tsc);
	printf("\n");
}

static struct pt_insn_decoder *insn_decoder(const struct options *o)
{
	struct pt_insn_decoder *dec = pt_insn_alloc_decoder(&o->config);
	if (!dec)
		die("libipt refuses the configuration", NULL);
	add_images(pt_insn_get_image(dec), o);
	return dec;
}

/* The decode loop of ptxed (decode_insn) with every item printed. */
static int run_insn(const struct options *o)
{
	struct pt_insn_decoder *dec = insn_decoder(o);
	uint64_t last_sync = 0;
	int synced_before = 0;
	for (;;) {
		struct pt_insn insn;
		uint64_t offset = 0;
		insn.ip = 0;
		int status = pt_insn_sync_forward(dec);
		if (status < 0) {
			if (status == -pte_eos)
				break;
			pt_insn_get_offset(dec, &offset);
			printf("error 0x%" PRIx64 " 0x0 %s\n", offset, error_name(status));
			/* as ptxed: without progress, stop */
			if (pt_insn_get_offset(dec, &offset) < 0 || (synced_before && offset <= last_sync))
				break;
			last_sync = offset;
			synced_before = 1;
			continue;
		}
		pt_insn_get_sync_offset(dec, &offset);
		printf("sync 0x%" PRIx64 "\n", offset);
		for (;;) {
			while (status & pts_event_pending) {
				struct pt_event event;
				status = pt_insn_event(dec, &event, sizeof(event));
				if (status < 0)
					break;
				print_event(&event, o->print_tsc);
			}
			if (status < 0)
				break;
			if (status & pts_eos) {
				if (!(status & pts_ip_suppressed))
					printf("eos\n");
				status = -pte_eos;
				break;
			}
			status = pt_insn_next(dec, &insn, sizeof(insn));
			if (insn.iclass != ptic_error || status >= 0)
				printf("insn 0x%" PRIx64 " %u %s %s%s%s\n", insn.ip, insn.size, iclass_name(insn.iclass),
				       mode_name(insn.mode), insn.speculative ? " spec" : "", insn.truncated ? " trunc" : "");
			if (status < 0)
				break;
		}
		if (status == -pte_eos)
			break;
		pt_insn_get_offset(dec, &offset);
		printf("error 0x%" PRIx64 " 0x%" PRIx64 " %s\n", offset, insn.ip, error_name(status));
	}
	pt_insn_free_decoder(dec);
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double) (t1.tv_sec - t0->tv_sec) + (double) (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int run_pkt_count(const struct options *o)
{
	struct pt_packet_decoder *dec = pt_pkt_alloc_decoder(&o->config);
	if (!dec)
		die("libipt refuses the configuration", NULL);
	uint64_t packets = 0, errors = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int status = pt_pkt_sync_forward(dec);
	while (status >= 0) {
		struct pt_packet packet;
		for (;;) {
			status = pt_pkt_next(dec, &packet, sizeof(packet));
			if (status < 0)
				break;
			packets++;
		}
		uint64_t offset;
		pt_pkt_get_offset(dec, &offset);
		if (status == -pte_eos && offset == (uint64_t) (o->config.end - o->config.begin))
			break;
		errors++;
		status = pt_pkt_sync_forward(dec);
	}
	double s = seconds_since(&t0);
	printf("packets %" PRIu64 " errors %" PRIu64 " seconds %.6f\n", packets, errors, s);
	pt_pkt_free_decoder(dec);
	return 0;
}

static int run_insn_count(const struct options *o)
{
	struct pt_insn_decoder *dec = insn_decoder(o);
	uint64_t insns = 0, errors = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t last_sync = 0;
	int synced_before = 0;
	for (;;) {
		int status = pt_insn_sync_forward(dec);
		if (status < 0) {
			uint64_t offset;
			if (status == -pte_eos)
				break;
			errors++;
			/* as the printing loop: without progress, stop */
			if (pt_insn_get_offset(dec, &offset) < 0 || (synced_before && offset <= last_sync))
				break;
			last_sync = offset;
			synced_before = 1;
			continue;
		}
		for (;;) {
			struct pt_insn insn;
			while (status & pts_event_pending) {
				struct pt_event event;
				status = pt_insn_event(dec, &event, sizeof(event));
				if (status < 0)
					break;
			}
			if (status < 0 || (status & pts_eos))
				break;
			insn.iclass = ptic_error;
			status = pt_insn_next(dec, &insn, sizeof(insn));
			/* as the printing loop: an instruction decoded before an error counts */
			if (insn.iclass != ptic_error || status >= 0)
				insns++;
			if (status < 0)
				break;
		}
		if (status == -pte_eos || (status >= 0 && (status & pts_eos)))
			break;
		errors++;
	}
	double s = seconds_since(&t0);
	printf("insns %" PRIu64 " blocks 0 errors %" PRIu64 " seconds %.6f\n", insns, errors, s);
	pt_insn_free_decoder(dec);
	return 0;
}

static int run_blk_count(const struct options *o)
{
	struct pt_block_decoder *dec = pt_blk_alloc_decoder(&o->config);
	if (!dec)
		die("libipt refuses the configuration", NULL);
	add_images(pt_blk_get_image(dec), o);
	uint64_t insns = 0, blocks = 0, errors = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t last_sync = 0;
	int synced_before = 0;
	for (;;) {
		int status = pt_blk_sync_forward(dec);
		if (status < 0) {
			uint64_t offset;
			if (status == -pte_eos)
				break;
			errors++;
			if (pt_blk_get_offset(dec, &offset) < 0 || (synced_before && offset <= last_sync))
				break;
			last_sync = offset;
			synced_before = 1;
			continue;
		}
		for (;;) {
			struct pt_block block;
			while (status & pts_event_pending) {
				struct pt_event event;
				status = pt_blk_event(dec, &event, sizeof(event));
				if (status < 0)
					break;
			}
			if (status < 0 || (status & pts_eos))
				break;
			block.ninsn = 0;
			status = pt_blk_next(dec, &block, sizeof(block));
			insns += block.ninsn;
			blocks += block.ninsn ? 1 : 0;
			if (status < 0)
				break;
		}
		if (status == -pte_eos || (status >= 0 && (status & pts_eos)))
			break;
		errors++;
	}
	double s = seconds_since(&t0);
	printf("insns %" PRIu64 " blocks %" PRIu64 " errors %" PRIu64 " seconds %.6f\n", insns, blocks, errors, s);
	pt_blk_free_decoder(dec);
	return 0;
}

/* One `insn` run per line of LIST (see the top of this file). */
static int run_insn_batch(const char *list)
{
	size_t size;
	char *text = (char *) read_file(list, &size);
	char *copy = malloc(size + 1);
	if (!copy)
		die("out of memory for", list);
	memcpy(copy, text, size);
	copy[size] = '\0';
	free(text);
	int n = 0, rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *argv[256];
		int argc = 0;
		char *wsave = NULL;
		for (char *w = strtok_r(line, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			if (argc == 256)
				die("too many arguments on a line of", list);
			argv[argc++] = w;
		}
		if (argc == 0)
			continue;
		struct options o;
		parse_options(argc, argv, &o);
		uint8_t *trace = read_file(o.trace, &size);
		o.config.begin = trace;
		o.config.end = trace + size;
		printf("trace %d\n", ++n);
		rc |= run_insn(&o);
		free(trace);
	}
	free(copy);
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: ptharness packets|insn|insn-batch|pkt-count|insn-count|blk-count [CONFIG...] TRACE [IMAGE@ADDR...]", NULL);
	const char *mode = argv[1];
	if (strcmp(mode, "insn-batch") == 0)
		return run_insn_batch(argv[2]);
	struct options o;
	parse_options(argc - 2, argv + 2, &o);
	size_t size;
	int rc = 0;
	if (strcmp(mode, "packets") == 0) {
		/* every positional argument is a trace */
		for (int i = -1; i < o.nimages; i++) {
			const char *path = i < 0 ? o.trace : o.images[i];
			uint8_t *buf = read_file(path, &size);
			if (o.nimages)
				printf("trace %s\n", path);
			o.config.begin = buf;
			o.config.end = buf + size;
			rc = run_packets(&o);
			free(buf);
		}
		fflush(stdout);
		return rc;
	}
	uint8_t *trace = read_file(o.trace, &size);
	o.config.begin = trace;
	o.config.end = trace + size;
	if (strcmp(mode, "insn") == 0) {
		rc = run_insn(&o);
	} else if (strcmp(mode, "pkt-count") == 0) {
		rc = run_pkt_count(&o);
	} else if (strcmp(mode, "insn-count") == 0) {
		rc = run_insn_count(&o);
	} else if (strcmp(mode, "blk-count") == 0) {
		rc = run_blk_count(&o);
	} else {
		die("unknown mode", mode);
	}
	free(trace);
	fflush(stdout);
	return rc;
}
