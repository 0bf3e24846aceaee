// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "cgpath.h"

static int put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

int cgpath__join(const char (*names)[OOMT_CG_NAME_LEN], unsigned int depth, unsigned int level,
		 int truncated, char *buf, size_t size)
{
	/* the root's own name is not part of any path */
	unsigned int top = truncated ? depth : depth - 1;
	size_t len = 0;
	int err = 0;
	unsigned int i;

	if (!size)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (depth == 0 || depth > OOMT_CG_DEPTH || level >= depth)
		return -EINVAL;
	if (truncated)
		err = put(buf, size, &len, "...", 3);
	for (i = top; !err && i > level; i--) {
		const char *name = names[i - 1];

		err = put(buf, size, &len, "/", 1);
		if (!err)
			err = put(buf, size, &len, name, strnlen(name, OOMT_CG_NAME_LEN));
	}
	if (!err && len == 0)
		err = put(buf, size, &len, "/", 1);
	return err ?: (int)len;
}

bool cgpath__under(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n && root[n - 1] == '/')
		n--; /* "/a/" is "/a", and "/" holds every path */
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

int cgpath__level(const char *path)
{
	int level = 0;

	if (path[0] != '/')
		return -1;
	for (const char *p = path; *p; p++)
		if (*p != '/' && p[-1] == '/')
			level++;
	return level;
}
