// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "metrics.h"
#include "metrics_http.h"
#include "options.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define INDEX                                                                                      \
	"<html><head><title>oomtrace</title></head><body>"                                         \
	"<a href=\"/metrics\">/metrics</a></body></html>\n"

/*
 * libmicrohttpd is opened only for --metrics: linked in, it brought
 * GnuTLS, p11-kit, nettle and gmp into every run, 2 MB of RSS and their
 * constructors, for a server most runs never start.
 */
#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
} mhd;

/* 0, or -ENOENT after saying why */
static int load_mhd(FILE *err)
{
	void *lib = mhd.start_daemon ? NULL : dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (mhd.start_daemon)
		return 0;
	if (lib) {
		mhd.start_daemon = dlsym(lib, "MHD_start_daemon");
		mhd.stop_daemon = dlsym(lib, "MHD_stop_daemon");
		mhd.create_response_from_buffer = dlsym(lib, "MHD_create_response_from_buffer");
		mhd.add_response_header = dlsym(lib, "MHD_add_response_header");
		mhd.queue_response = dlsym(lib, "MHD_queue_response");
		mhd.destroy_response = dlsym(lib, "MHD_destroy_response");
	}
	if (lib && mhd.start_daemon && mhd.stop_daemon && mhd.create_response_from_buffer &&
	    mhd.add_response_header && mhd.queue_response && mhd.destroy_response)
		return 0;
	fprintf(err, "oomtrace: --metrics needs %s (Debian: apt-get install libmicrohttpd12): %s\n",
		MHD_SONAME, dlerror() ?: "a function is missing");
	mhd.start_daemon = NULL;
	if (lib)
		dlclose(lib);
	return -ENOENT;
}

struct metrics_http {
	int fd; /* the listening socket, until the daemon owns it */
	int family;
	struct MHD_Daemon *daemon;
	struct metrics *metrics;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = mhd.create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO; /* MHD closes the connection */
	}
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, resp);
	mhd.destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)text, strlen(text),
		     MHD_RESPMEM_PERSISTENT);
}

/* On libmicrohttpd's thread: render under the registry's lock, send the copy. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	struct metrics_http *h = cls;
	size_t len;
	char *body;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", INDEX, strlen(INDEX),
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found: see /metrics\n");
	body = metrics__render(h->metrics, &len);
	if (!body)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(c, MHD_HTTP_OK, CONTENT_TYPE, body, len, MHD_RESPMEM_MUST_FREE);
}

/* The first of host's addresses that binds; -errno of the last failure. */
static int bind_first(struct metrics_http *h, struct addrinfo *ai)
{
	int err = -EADDRNOTAVAIL, one = 1;

	for (; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

		if (fd < 0) {
			err = -errno;
			continue;
		}
		/* a restart must not wait out TIME_WAIT; a live listener still refuses */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
			err = -errno;
			close(fd);
			continue;
		}
		h->fd = fd;
		h->family = ai->ai_family;
		return 0;
	}
	return err;
}

struct metrics_http *metrics_http__listen(const char *spec, FILE *err, int *exit_code)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	struct metrics_http *h;
	char host[256], port_s[8];
	unsigned int port;
	const char *why;
	int ret;

	*exit_code = EXIT_USAGE;
	if (metrics__parse_listen(spec, host, sizeof(host), &port, &why)) {
		fprintf(err,
			"oomtrace: --metrics takes PORT, :PORT, ADDR:PORT or [V6ADDR]:PORT, "
			"not '%s': %s\n",
			spec, why);
		return NULL;
	}
	snprintf(port_s, sizeof(port_s), "%u", port);
	ret = getaddrinfo(host, port_s, &hints, &ai);
	if (ret) {
		fprintf(err, "oomtrace: --metrics '%s': cannot resolve '%s': %s\n", spec, host,
			ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		return NULL;
	}
	*exit_code = EXIT_FAILURE_RUNTIME;
	if (load_mhd(err)) {
		freeaddrinfo(ai);
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		freeaddrinfo(ai);
		return NULL;
	}
	ret = bind_first(h, ai);
	freeaddrinfo(ai);
	if (ret) {
		fprintf(err, "oomtrace: --metrics '%s': cannot listen on %s port %u: %s\n", spec,
			host, port, strerror(-ret));
		free(h);
		return NULL;
	}
	return h;
}

int metrics_http__start(struct metrics_http *h, struct metrics *m)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;

	if (h->family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->metrics = m;
	/* a scraper or two: few connections, and none held open for long */
	h->daemon =
	    mhd.start_daemon(flags, 0, NULL, NULL, answer, h, MHD_OPTION_LISTEN_SOCKET, h->fd,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)32,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10, MHD_OPTION_END);
	if (!h->daemon)
		return -(errno ?: EIO);
	return 0;
}

void metrics_http__free(struct metrics_http *h)
{
	if (!h)
		return;
	/* the daemon closes the socket it was given */
	if (h->daemon)
		mhd.stop_daemon(h->daemon);
	else
		close(h->fd);
	free(h);
}
