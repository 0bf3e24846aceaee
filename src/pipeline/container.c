// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "container.h"

/* "<prefix><id><suffix>" scope names that hold a container id */
static const struct scope_rule {
	const char *prefix;
	const char *suffix;
	const char *runtime;
} scope_rules[] = {
	{ "cri-containerd-", ".scope", "containerd" },
	{ "crio-conmon-", ".scope", "cri-o" },
	{ "crio-", ".scope", "cri-o" },
	{ "crio-", "", "cri-o" }, /* CRI-O with the cgroupfs driver */
	{ "docker-", ".scope", "docker" },
	{ "libpod-conmon-", ".scope", "podman" },
	{ "libpod-", ".scope", "podman" },
	{ "nerdctl-", ".scope", "containerd" },
	{ "lxc.payload.", "", "lxc" },
};

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* Container ids are 64 hex digits; accept 12 and up (docker's short ids). */
static bool is_hex_id(const char *s, size_t len)
{
	if (len < 12 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A pod UID as the path spells it (underscores under systemd) with dashes. */
static void set_pod_uid(struct container_info *ci, const char *s, size_t len)
{
	copy(ci->pod_uid, sizeof(ci->pod_uid), s, len);
	for (char *p = ci->pod_uid; *p; p++)
		if (*p == '_')
			*p = '-';
}

static const char *const qos_classes[] = { "burstable", "besteffort" };

/* kubepods, kubepods-QOS, podUID, kubepods[-QOS]-podUID (.slice or not) */
static bool parse_kube(struct container_info *ci, const char *c, size_t len)
{
	size_t n = len;
	bool matched = false;
	const char *p;

	if (ends_with(c, n, ".slice"))
		n -= 6;
	if (n == 8 && starts_with(c, n, "kubepods"))
		return true;
	for (size_t i = 0; i < 2; i++) {
		size_t q = strlen(qos_classes[i]);

		if (n == q && starts_with(c, n, qos_classes[i])) {
			copy(ci->qos, sizeof(ci->qos), c, n);
			return true;
		}
		if (n >= 9 + q && starts_with(c, n, "kubepods-") &&
		    !memcmp(c + 9, qos_classes[i], q) && (n == 9 + q || c[9 + q] == '-')) {
			copy(ci->qos, sizeof(ci->qos), qos_classes[i], q);
			matched = true;
		}
	}
	/* "pod<uid>" (cgroupfs) or "kubepods[-qos]-pod<uid>" (systemd) */
	p = starts_with(c, n, "pod") ? c : memmem(c, n, "-pod", 4);
	if (p && p != c)
		p++;
	if (p && n - (p - c) > 3 + 8) {
		set_pod_uid(ci, p + 3, n - (p - c) - 3);
		return true;
	}
	return matched;
}

static bool parse_scope(struct container_info *ci, const char *c, size_t len)
{
	for (size_t i = 0; i < sizeof(scope_rules) / sizeof(scope_rules[0]); i++) {
		const struct scope_rule *r = &scope_rules[i];
		size_t pre = strlen(r->prefix), suf = strlen(r->suffix);

		if (!starts_with(c, len, r->prefix) || !ends_with(c, len, r->suffix) ||
		    len <= pre + suf)
			continue;
		/* an LXC name is any name; the others are hex ids */
		if (strcmp(r->runtime, "lxc") && !is_hex_id(c + pre, len - pre - suf))
			continue;
		copy(ci->runtime, sizeof(ci->runtime), r->runtime, strlen(r->runtime));
		copy(ci->id, sizeof(ci->id), c + pre, len - pre - suf);
		return true;
	}
	return false;
}

bool container__parse(const char *path, struct container_info *ci)
{
	bool kube = false, found = false, unit_is_slice = true, docker_dir = false;
	const char *c = path;

	memset(ci, 0, sizeof(*ci));
	while (c && *c) {
		const char *end;
		size_t len;

		while (*c == '/')
			c++;
		end = strchr(c, '/');
		len = end ? (size_t)(end - c) : strlen(c);
		if (!len)
			break;
		if (len >= 8 && starts_with(c, len, "kubepods"))
			kube = true;
		if (kube && parse_kube(ci, c, len)) {
			found = true;
		} else if (parse_scope(ci, c, len)) {
			found = true;
		} else if ((kube || docker_dir) && is_hex_id(c, len)) {
			/* cgroupfs driver: the container's id is the directory */
			copy(ci->id, sizeof(ci->id), c, len);
			if (docker_dir)
				copy(ci->runtime, sizeof(ci->runtime), "docker", 6);
			found = true;
		}
		docker_dir = len == 6 && starts_with(c, len, "docker");
		if (ends_with(c, len, ".service") || ends_with(c, len, ".scope")) {
			copy(ci->unit, sizeof(ci->unit), c, len);
			unit_is_slice = false;
		} else if (ends_with(c, len, ".slice") && unit_is_slice) {
			copy(ci->unit, sizeof(ci->unit), c, len);
		}
		c = end;
	}
	if (kube && ci->pod_uid[0] && !ci->qos[0])
		copy(ci->qos, sizeof(ci->qos), "guaranteed", 10);
	if (!found && ci->unit[0] && !unit_is_slice)
		copy(ci->runtime, sizeof(ci->runtime), "systemd", 7);
	return found || kube || ci->unit[0];
}
