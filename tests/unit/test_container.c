// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "container.h"

#define ID   "0f3ac4dd1bcd2a4fb2c60c0e5b07c8e3b7a9b1f6d53e2c9a8e1d2f3a4b5c6d7e"
#define UID  "6e1f0a52-8a6b-4c2e-9d3a-1b2c3d4e5f60"
#define UID_ "6e1f0a52_8a6b_4c2e_9d3a_1b2c3d4e5f60"

static const struct shape {
	const char *path;
	bool found;
	struct container_info want;
} shapes[] = {
	/* Kubernetes, systemd driver (cgroup v2, or v1's memory hierarchy) */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" ID ".scope",
	  true,
	  { "containerd", ID, UID, "burstable", "cri-containerd-" ID ".scope" } },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	  true,
	  { "containerd", ID, UID, "guaranteed", "cri-containerd-" ID ".scope" } },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID
	  ".scope",
	  true,
	  { "cri-o", ID, UID, "besteffort", "crio-" ID ".scope" } },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/crio-conmon-" ID ".scope",
	  true,
	  { "cri-o", ID, UID, "burstable", "crio-conmon-" ID ".scope" } },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/docker-" ID
	  ".scope",
	  true,
	  { "docker", ID, UID, "burstable", "docker-" ID ".scope" } },
	/* a pod's own cgroup, above its containers */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice",
	  true,
	  { "", "", UID, "burstable", "kubepods-burstable-pod" UID_ ".slice" } },
	{ "/kubepods.slice/kubepods-besteffort.slice",
	  true,
	  { "", "", "", "besteffort", "kubepods-besteffort.slice" } },
	/* Kubernetes, cgroupfs driver */
	{ "/kubepods/burstable/pod" UID "/" ID, true, { "", ID, UID, "burstable", "" } },
	{ "/kubepods/pod" UID "/" ID, true, { "", ID, UID, "guaranteed", "" } },
	{ "/kubepods/besteffort/pod" UID "/crio-" ID,
	  true,
	  { "cri-o", ID, UID, "besteffort", "" } },
	/* Docker and Podman outside Kubernetes */
	{ "/system.slice/docker-" ID ".scope",
	  true,
	  { "docker", ID, "", "", "docker-" ID ".scope" } },
	{ "/docker/" ID, true, { "docker", ID, "", "", "" } },
	{ "/machine.slice/libpod-" ID ".scope",
	  true,
	  { "podman", ID, "", "", "libpod-" ID ".scope" } },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	  true,
	  { "podman", ID, "", "", "libpod-" ID ".scope" } },
	{ "/lxc.payload.web1", true, { "lxc", "web1", "", "", "" } },
	/* plain systemd units and slices */
	{ "/system.slice/nginx.service", true, { "systemd", "", "", "", "nginx.service" } },
	{ "/user.slice/user-1000.slice/session-3.scope",
	  true,
	  { "systemd", "", "", "", "session-3.scope" } },
	{ "/system.slice", true, { "", "", "", "", "system.slice" } },
	/* nothing to say */
	{ "/", false, {} },
	{ "/process_api/eece8d3b454013828b84056f8be05656", false, {} },
	{ "/oomt-vm", false, {} },
	/* look-alikes that are not containers */
	{ "/system.slice/docker-compose.service",
	  true,
	  { "systemd", "", "", "", "docker-compose.service" } },
	{ "/mypods/burstable/pod-frontend", false, {} },
};

static void all_shapes(void **state)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct shape *s = &shapes[i];
		struct container_info ci;

		print_message("# %s\n", s->path);
		assert_int_equal(container__parse(s->path, &ci), s->found);
		assert_string_equal(ci.runtime, s->want.runtime);
		assert_string_equal(ci.id, s->want.id);
		assert_string_equal(ci.pod_uid, s->want.pod_uid);
		assert_string_equal(ci.qos, s->want.qos);
		assert_string_equal(ci.unit, s->want.unit);
	}
}

static void long_names_are_bounded(void **state)
{
	char path[1200] = "/system.slice/";
	struct container_info ci;

	memset(path + 14, 'a', 1000);
	strcpy(path + 1014, ".service");
	assert_true(container__parse(path, &ci));
	assert_int_equal(strlen(ci.unit), sizeof(ci.unit) - 1);
	assert_false(container__parse("", &ci));
	assert_false(container__parse("////", &ci));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_shapes),
		cmocka_unit_test(long_names_are_bounded),
	};

	return cmocka_run_group_tests_name("container", tests, NULL, NULL);
}
