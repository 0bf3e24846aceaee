/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which container or unit a cgroup path belongs to: Kubernetes pods (QoS
 * class, pod UID) and their containers under containerd, CRI-O or Docker,
 * Podman, Docker, LXC, and systemd units and slices, for both the cgroupfs
 * and the systemd cgroup drivers.
 */
#ifndef __OOMTRACE_CONTAINER_H
#define __OOMTRACE_CONTAINER_H

#include <stdbool.h>

struct container_info {
	char runtime[16]; /* containerd, cri-o, docker, podman, lxc, systemd; "" unknown */
	char id[80];	  /* the container's id (or LXC name); "" none */
	char pod_uid[40]; /* Kubernetes pod UID, with dashes; "" none */
	char qos[12];	  /* guaranteed, burstable, besteffort; "" none */
	char unit[256];	  /* the deepest systemd unit (.service/.scope, else .slice) */
};

/* false when the path says nothing of a container, pod or unit. */
bool container__parse(const char *path, struct container_info *ci);

#endif
