// SPDX-License-Identifier: GPL-2.0
/*
 * srnic_uverbs: exercise an RDMA device through libibverbs the way an
 * unprivileged application does, and print what happened in lines a shell
 * test can match:
 *
 *   srnic_uverbs DEV pd N [hold]       allocate up to N PDs
 *   srnic_uverbs DEV mr N BYTES [hold] one PD, up to N MRs of BYTES each,
 *                                      with remote read and write rights
 *   srnic_uverbs DEV cq                try to create a CQ
 *
 * Output: "pd ok K", then "pd failed ERRNO" if the (K+1)th failed; the
 * same for "mr" (plus "mr keys LKEY RKEY" of the first MR) and "cq". With
 * "hold" the objects are kept until a line (or EOF) arrives on stdin after
 * "holding" was printed, so that the caller can look at them.
 *
 * Exit: 0 when the program did what it was asked (whether or not the
 * device refused), 2 on a usage error or when DEV cannot be opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

static struct ibv_context *open_dev(const char *name)
{
	struct ibv_device **list;
	struct ibv_context *ctx = NULL;
	int i, n;

	list = ibv_get_device_list(&n);
	if (!list) {
		fprintf(stderr, "ibv_get_device_list: %s\n", strerror(errno));
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(ibv_get_device_name(list[i]), name))
			continue;
		ctx = ibv_open_device(list[i]);
		if (!ctx)
			fprintf(stderr, "ibv_open_device %s: %s\n", name,
				strerror(errno));
		break;
	}
	if (i == n)
		fprintf(stderr, "%s: no such verbs device (%d found)\n", name,
			n);
	ibv_free_device_list(list);
	return ctx;
}

static void hold(void)
{
	char line[16];

	printf("holding\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return;
}

static int do_pd(struct ibv_context *ctx, unsigned long n, int keep)
{
	struct ibv_pd **pds = calloc(n ? n : 1, sizeof(*pds));
	unsigned long k;
	int err = 0;

	if (!pds)
		return 2;
	for (k = 0; k < n; k++) {
		pds[k] = ibv_alloc_pd(ctx);
		if (!pds[k]) {
			err = errno;
			break;
		}
	}
	printf("pd ok %lu\n", k);
	if (err)
		printf("pd failed %d %s\n", err, strerror(err));
	if (keep)
		hold();
	while (k--)
		ibv_dealloc_pd(pds[k]);
	free(pds);
	return 0;
}

static int do_mr(struct ibv_context *ctx, unsigned long n, size_t bytes,
		 int keep)
{
	int access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
		     IBV_ACCESS_REMOTE_WRITE;
	struct ibv_mr **mrs = calloc(n ? n : 1, sizeof(*mrs));
	struct ibv_pd *pd;
	unsigned long k;
	void *buf;
	int err = 0;

	if (!mrs || !bytes)
		return 2;
	pd = ibv_alloc_pd(ctx);
	if (!pd) {
		printf("pd failed %d %s\n", errno, strerror(errno));
		free(mrs);
		return 0;
	}
	if (posix_memalign(&buf, sysconf(_SC_PAGESIZE), bytes)) {
		ibv_dealloc_pd(pd);
		free(mrs);
		return 2;
	}
	memset(buf, 0x5a, bytes);
	for (k = 0; k < n; k++) {
		mrs[k] = ibv_reg_mr(pd, buf, bytes, access);
		if (!mrs[k]) {
			err = errno;
			break;
		}
	}
	printf("mr ok %lu\n", k);
	if (k)
		printf("mr keys 0x%08x 0x%08x\n", mrs[0]->lkey, mrs[0]->rkey);
	if (err)
		printf("mr failed %d %s\n", err, strerror(err));
	if (keep)
		hold();
	while (k--)
		ibv_dereg_mr(mrs[k]);
	ibv_dealloc_pd(pd);
	free(buf);
	free(mrs);
	return 0;
}

static int do_cq(struct ibv_context *ctx)
{
	struct ibv_cq *cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);

	if (!cq) {
		printf("cq failed %d %s\n", errno, strerror(errno));
		return 0;
	}
	printf("cq ok 1\n");
	ibv_destroy_cq(cq);
	return 0;
}

int main(int argc, char **argv)
{
	struct ibv_context *ctx;
	int keep, rv;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DEV pd N [hold] | mr N BYTES [hold] | cq\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ctx = open_dev(argv[1]);
	if (!ctx)
		return 2;
	if (!strcmp(argv[2], "pd") && argc >= 4) {
		keep = argc > 4 && !strcmp(argv[4], "hold");
		rv = do_pd(ctx, strtoul(argv[3], NULL, 0), keep);
	} else if (!strcmp(argv[2], "mr") && argc >= 5) {
		keep = argc > 5 && !strcmp(argv[5], "hold");
		rv = do_mr(ctx, strtoul(argv[3], NULL, 0),
			   strtoull(argv[4], NULL, 0), keep);
	} else if (!strcmp(argv[2], "cq")) {
		rv = do_cq(ctx);
	} else {
		fprintf(stderr, "%s: unknown or incomplete command\n", argv[0]);
		rv = 2;
	}
	ibv_close_device(ctx);
	return rv;
}
