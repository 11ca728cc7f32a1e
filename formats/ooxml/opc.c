/*
 * formats/ooxml/opc.c - part names, content types and relationships of an
 * OPC package (ECMA-376 Part 2 §9, §10.1.2) for the OOXML signature code.
 *
 *     [Content_Types].xml   <Types><Default Extension="xml" ContentType=".."/>
 *                                  <Override PartName="/word/document.xml" ContentType=".."/></Types>
 *     _rels/.rels           relationships of the package itself
 *     word/_rels/document.xml.rels   relationships of word/document.xml
 *                           <Relationships><Relationship Id="rId1" Type=".." Target="styles.xml"/>..
 *
 * Ambiguity is refused rather than resolved: two entries with one part
 * name, two Overrides for one part, two Defaults for one extension.  A
 * signature checker and a viewer that resolve them differently would see
 * different documents.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/ooxml/opc.h"
#include "formats/xmldsig/xmldsig.h"

/* ------------------------------------------------------------ part names */

/* Percent-decode s (n bytes) into a malloc'd string; lower: ASCII lowercase. */
static int decode(char **out, const char *s, size_t n, int lower)
{
	char *d;
	size_t i, k = 0;

	*out = NULL;
	if ((d = malloc(n + 1)) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n) {
				free(d);
				return tamga__error_set(TAMGA_EFORMAT, "part name '%.*s': bad percent-encoding", (int)n, s);
			}
			h = tamga__hexval((unsigned char)s[i + 1]);
			l = tamga__hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0)) {
				free(d);
				return tamga__error_set(TAMGA_EFORMAT, "part name '%.*s': bad percent-encoding", (int)n, s);
			}
			c = h * 16 + l;
			i += 2;
		}
		if (lower && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		d[k++] = (char)c;
	}
	d[k] = '\0';
	*out = d;
	return 0;
}

int tamga__opc_key(char **out, const char *name)
{
	if (name[0] == '/')
		name++;
	return decode(out, name, strlen(name), 1);
}

int tamga__opc_in_sig_dir(const char *key)
{
	return strncmp(key, TAMGA__OPC_SIG_DIR, strlen(TAMGA__OPC_SIG_DIR)) == 0;
}

int tamga__opc_uri_encode(tamga_buf *out, const char *name)
{
	static const char keep[] = "-._~!$&'()*+,;=:@/";
	const unsigned char *p;
	int error = 0;

	for (p = (const unsigned char *)name; *p && error == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p) != NULL)
			error = tamga__buf_append(out, p, 1);
		else
			error = tamga__buf_printf(out, "%%%02X", *p);
	}
	return error;
}

/* ------------------------------------------------------------ XML helpers */

static int is_elem(xmlNodePtr n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* An unqualified attribute as a malloc'd string (NULL when absent; *oom set
 * when out of memory). */
static char *attr(xmlNodePtr n, const char *name, int *oom)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	if (s == NULL)
		*oom = 1;
	return s;
}

/* ------------------------------------------------------------ content types */

/* qsort/bsearch order of anything that starts with a string pointer. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int parse_content_types(struct tamga__opc *opc, const unsigned char *data, size_t len)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	char *a = NULL, *b = NULL;
	size_t i;
	int error, oom = 0;

	if ((error = tamga__xml_parse(&doc, data, len, "[Content_Types].xml")) < 0)
		return error;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, TAMGA__OPC_NS_CT, "Types")) {
		error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: the root is not a Types element");
		goto done;
	}
	for (n = root->children; n != NULL; n = n->next) {
		int is_default = is_elem(n, TAMGA__OPC_NS_CT, "Default");

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!is_default && !is_elem(n, TAMGA__OPC_NS_CT, "Override")) {
			error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: unexpected element <%s>",
			                         (const char *)n->name);
			goto done;
		}
		a = attr(n, is_default ? "Extension" : "PartName", &oom);
		b = attr(n, "ContentType", &oom);
		if (oom) {
			error = tamga__error_oom();
			goto done;
		}
		if (a == NULL || b == NULL || *b == '\0' || (!is_default && a[0] != '/')) {
			error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: a %s element without %s", 
			                         is_default ? "Default" : "Override",
			                         a == NULL ? (is_default ? "Extension" : "PartName")
			                                   : b == NULL || *b == '\0' ? "ContentType" : "a part name from '/'");
			goto done;
		}
		if (is_default) {
			struct tamga__opc_default *g;
			char *ext = NULL;

			if ((error = decode(&ext, a, strlen(a), 1)) < 0)
				goto done;
			/* capacity: the next power of two (realloc by one element
			 * is quadratic with some allocators) */
			if ((opc->default_count & (opc->default_count - 1)) == 0) {
				if ((g = realloc(opc->defaults, (opc->default_count ? 2 * opc->default_count : 1) *
				                                    sizeof(*g))) == NULL) {
					free(ext);
					error = tamga__error_oom();
					goto done;
				}
				opc->defaults = g;
			}
			opc->defaults[opc->default_count].ext = ext;
			opc->defaults[opc->default_count++].type = b;
		} else {
			struct tamga__opc_override *g;
			char *key = NULL;

			if ((error = tamga__opc_key(&key, a)) < 0)
				goto done;
			if ((opc->override_count & (opc->override_count - 1)) == 0) {
				if ((g = realloc(opc->overrides, (opc->override_count ? 2 * opc->override_count : 1) *
				                                     sizeof(*g))) == NULL) {
					free(key);
					error = tamga__error_oom();
					goto done;
				}
				opc->overrides = g;
			}
			opc->overrides[opc->override_count].key = key;
			opc->overrides[opc->override_count++].type = b;
		}
		b = NULL;
		free(a);
		a = NULL;
	}
	/* Sorted (both structs start with their key) for tamga__opc_content_type,
	 * and two of one key found next to each other: a hostile
	 * [Content_Types].xml may hold hundreds of thousands. */
	qsort(opc->defaults, opc->default_count, sizeof(*opc->defaults), cmp_str);
	qsort(opc->overrides, opc->override_count, sizeof(*opc->overrides), cmp_str);
	for (i = 1; i < opc->default_count; i++)
		if (strcmp(opc->defaults[i - 1].ext, opc->defaults[i].ext) == 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: two Defaults for the extension '%s'",
			                         opc->defaults[i].ext);
			goto done;
		}
	for (i = 1; i < opc->override_count; i++)
		if (strcmp(opc->overrides[i - 1].key, opc->overrides[i].key) == 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: two Overrides for the part /%s",
			                         opc->overrides[i].key);
			goto done;
		}
done:
	free(a);
	free(b);
	xmlFreeDoc(doc);
	return error;
}

void tamga__opc_free(struct tamga__opc *opc)
{
	size_t i;

	if (opc == NULL)
		return;
	for (i = 0; i < opc->count; i++) {
		free(opc->keys[i]);
		free(opc->names[i]);
	}
	free(opc->keys);
	free(opc->names);
	free(opc->sorted);
	for (i = 0; i < opc->default_count; i++) {
		free(opc->defaults[i].ext);
		free(opc->defaults[i].type);
	}
	free(opc->defaults);
	for (i = 0; i < opc->override_count; i++) {
		free(opc->overrides[i].key);
		free(opc->overrides[i].type);
	}
	free(opc->overrides);
	free(opc);
}

static int cmp_keyidx(const void *a, const void *b, void *keys)
{
	char **k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

int tamga__opc_open(struct tamga__opc **out, const struct tamga__zip *zip)
{
	struct tamga__opc *opc;
	tamga_buf ct = TAMGA_BUF_INIT;
	size_t i, *order = NULL, live = 0;
	long at;
	int error = 0;

	*out = NULL;
	if ((opc = calloc(1, sizeof(*opc))) == NULL)
		return tamga__error_oom();
	opc->zip = zip;
	opc->count = tamga__zip_count(zip);
	if ((opc->keys = calloc(opc->count + 1, sizeof(char *))) == NULL ||
	    (opc->names = calloc(opc->count + 1, sizeof(char *))) == NULL ||
	    (order = calloc(opc->count + 1, sizeof(size_t))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < opc->count; i++) {
		const char *name = tamga__zip_name(zip, i);
		size_t n = strlen(name);

		if (n > 0 && name[n - 1] == '/')
			continue; /* a directory entry: not a part */
		if ((error = decode(&opc->keys[i], name, n, 1)) < 0 ||
		    (error = decode(&opc->names[i], name, n, 0)) < 0) {
			tamga__error_prefix("ZIP entry '%s'", name);
			goto done;
		}
		order[live++] = i;
	}
	/* Two entries naming one part: refused (see the header). */
	qsort_r(order, live, sizeof(*order), cmp_keyidx, opc->keys);
	for (i = 1; i < live; i++)
		if (strcmp(opc->keys[order[i - 1]], opc->keys[order[i]]) == 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "the ZIP entries '%s' and '%s' name the same part",
			                         tamga__zip_name(zip, order[i - 1]), tamga__zip_name(zip, order[i]));
			goto done;
		}
	opc->sorted = order;
	opc->part_count = live;
	order = NULL;
	if ((at = tamga__opc_find(opc, TAMGA__OPC_CONTENT_TYPES)) < 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "not an OOXML package: no [Content_Types].xml");
		goto done;
	}
	if ((error = tamga__zip_read(zip, (size_t)at, &ct)) < 0 ||
	    (error = parse_content_types(opc, ct.ptr, ct.size)) < 0)
		goto done;
	*out = opc;
	opc = NULL;
done:
	free(order);
	tamga_buf_dispose(&ct);
	tamga__opc_free(opc);
	return error;
}

long tamga__opc_find(const struct tamga__opc *opc, const char *key)
{
	size_t lo = 0, hi = opc->part_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(opc->keys[opc->sorted[mid]], key);

		if (c == 0)
			return (long)opc->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *tamga__opc_content_type(const struct tamga__opc *opc, const char *key)
{
	const char *slash = strrchr(key, '/'), *dot, *ext;
	const struct tamga__opc_override *o;
	const struct tamga__opc_default *d;

	if ((o = bsearch(&key, opc->overrides, opc->override_count, sizeof(*o), cmp_str)) != NULL)
		return o->type;
	dot = strrchr(slash ? slash + 1 : key, '.');
	if (dot == NULL)
		return NULL;
	ext = dot + 1;
	if ((d = bsearch(&ext, opc->defaults, opc->default_count, sizeof(*d), cmp_str)) != NULL)
		return d->type;
	return NULL;
}

/* ------------------------------------------------------------ relationships */

int tamga__opc_rels_source(char **out, const char *key)
{
	const char *last = strrchr(key, '/');
	size_t n = strlen(key), dir, name;

	*out = NULL;
	/* [dir/]_rels/name.rels; the package's own is "_rels/.rels" */
	if (last == NULL || n < 5 || strcmp(key + n - 5, ".rels") != 0 || key + n - 5 < last + 1)
		return TAMGA_ENOTFOUND;
	if (last - key < 5 || strncmp(last - 5, "_rels", 5) != 0 || (last - key > 5 && last[-6] != '/'))
		return TAMGA_ENOTFOUND;
	dir = (size_t)(last - key) - 5;       /* "dir/" */
	name = (size_t)(key + n - 5 - (last + 1));
	if (dir > 0 && name == 0)
		return TAMGA_ENOTFOUND;
	if ((*out = malloc(dir + name + 1)) == NULL)
		return tamga__error_oom();
	memcpy(*out, key, dir);
	memcpy(*out + dir, last + 1, name);
	(*out)[dir + name] = '\0';
	return 0;
}

char *tamga__opc_rels_of(const char *source)
{
	const char *last = strrchr(source, '/');
	size_t dir = last ? (size_t)(last - source) + 1 : 0;
	char *s;

	if (asprintf(&s, "%.*s_rels/%s.rels", (int)dir, source, source + dir) < 0) {
		tamga__error_oom();
		return NULL;
	}
	return s;
}

int tamga__opc_resolve(char **out, const char *source_key, const char *target)
{
	tamga_buf path = TAMGA_BUF_INIT;
	char *decoded = NULL, *seg, *save = NULL, **segs = NULL;
	size_t n = strcspn(target, "?#"), count = 0, i;
	int error;

	*out = NULL;
	if (strchr(target, ':') != NULL && strchr(target, ':') < target + strcspn(target, "/?#"))
		return tamga__error_set(TAMGA_EFORMAT, "relationship target '%s' is not a part name", target);
	if (target[0] != '/') {
		const char *last = strrchr(source_key, '/');

		if (last != NULL && (error = tamga__buf_append(&path, source_key, (size_t)(last - source_key) + 1)) < 0)
			goto done;
	}
	if ((error = tamga__buf_append(&path, target, n)) < 0 ||
	    (error = decode(&decoded, (const char *)path.ptr, path.size, 1)) < 0)
		goto done;
	if ((segs = calloc(strlen(decoded) + 1, sizeof(*segs))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (seg = strtok_r(decoded, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		/* RFC 3986 §5.2.4 drops a ".." at the root, and so do the
		 * readers (LibreOffice shows "../../x.png" from word/ as
		 * /x.png): refusing it here left that part targeted by nothing
		 * in verify.c, so one below _xmlsignatures/ went unsigned. */
		if (strcmp(seg, "..") == 0) {
			if (count > 0)
				count--;
			continue;
		}
		segs[count++] = seg;
	}
	if (count == 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "relationship target '%s' names no part", target);
		goto done;
	}
	path.size = 0;
	for (i = 0; i < count; i++)
		if ((error = tamga__buf_printf(&path, "%s%s", i ? "/" : "", segs[i])) < 0)
			goto done;
	if ((*out = strdup((const char *)path.ptr)) == NULL)
		error = tamga__error_oom();
done:
	free(segs);
	free(decoded);
	tamga_buf_dispose(&path);
	return error;
}

void tamga__opc_rels_free(struct tamga__opc_rels *rels)
{
	size_t i;

	if (rels == NULL)
		return;
	for (i = 0; i < rels->count; i++) {
		free(rels->rels[i].id);
		free(rels->rels[i].type);
		free(rels->rels[i].target);
		free(rels->rels[i].target_key);
	}
	free(rels->rels);
	memset(rels, 0, sizeof(*rels));
}

int tamga__opc_rels_parse(struct tamga__opc_rels *out, const unsigned char *data, size_t len, const char *rels_key)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	char *source = NULL, **ids = NULL;
	size_t i, cap = 0;
	int error, oom = 0;

	memset(out, 0, sizeof(*out));
	if ((error = tamga__opc_rels_source(&source, rels_key)) < 0) {
		if (error == TAMGA_ENOTFOUND)
			error = tamga__error_set(TAMGA_EFORMAT, "%s is not a relationships part name", rels_key);
		return error;
	}
	if ((error = tamga__xml_parse(&doc, data, len, rels_key)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, TAMGA__OPC_NS_RELS, "Relationships")) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: the root is not a Relationships element", rels_key);
		goto done;
	}
	for (n = root->children; n != NULL; n = n->next) {
		struct tamga__opc_rel *r, *g;
		char *mode;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!is_elem(n, TAMGA__OPC_NS_RELS, "Relationship")) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s: unexpected element <%s>", rels_key, (const char *)n->name);
			goto done;
		}
		if (out->count == cap) {
			if ((g = realloc(out->rels, (cap = cap ? 2 * cap : 16) * sizeof(*g))) == NULL) {
				error = tamga__error_oom();
				goto done;
			}
			out->rels = g;
		}
		r = &out->rels[out->count++];
		memset(r, 0, sizeof(*r));
		r->id = attr(n, "Id", &oom);
		r->type = attr(n, "Type", &oom);
		r->target = attr(n, "Target", &oom);
		mode = attr(n, "TargetMode", &oom);
		if (oom) {
			free(mode);
			error = tamga__error_oom();
			goto done;
		}
		if (r->id == NULL || r->type == NULL || r->target == NULL) {
			free(mode);
			error = tamga__error_set(TAMGA_EFORMAT, "%s: a Relationship without %s", rels_key,
			                         r->id == NULL ? "Id" : r->type == NULL ? "Type" : "Target");
			goto done;
		}
		r->external = mode != NULL && strcmp(mode, "External") == 0;
		if (mode != NULL && !r->external && strcmp(mode, "Internal") != 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s: relationship %s has TargetMode '%s'", rels_key, r->id, mode);
			free(mode);
			goto done;
		}
		free(mode);
		if (!r->external && (error = tamga__opc_resolve(&r->target_key, source, r->target)) < 0) {
			if (error == TAMGA_ENOMEM)
				goto done;
			tamga_error_clear(); /* target_key stays NULL: names no part */
			error = 0;
		}
	}
	/* Two relationships with one Id: sorted, not pairwise (a part can
	 * hold hundreds of thousands). */
	if (out->count > 1) {
		if ((ids = malloc(out->count * sizeof(*ids))) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		for (i = 0; i < out->count; i++)
			ids[i] = out->rels[i].id;
		qsort(ids, out->count, sizeof(*ids), cmp_str);
		for (i = 1; i < out->count; i++)
			if (strcmp(ids[i - 1], ids[i]) == 0)
				out->duplicate_ids = 1;
	}
done:
	free(ids);
	free(source);
	xmlFreeDoc(doc);
	if (error < 0)
		tamga__opc_rels_free(out);
	return error;
}

/* Relationship types by what a signature may leave out (lowercase compare:
 * LibreOffice Calc writes ".../officedocument/2006/..." for core properties). */
static const struct {
	const char *type;
	int class;
} rel_types[] = {
	{ "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", 1 },
	{ "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties", 1 },
	{ "http://schemas.openxmlformats.org/officedocument/2006/relationships/extended-properties", 1 },
	{ "http://schemas.openxmlformats.org/officedocument/2006/relationships/custom-properties", 1 },
	{ "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail", 1 },
	{ "http://purl.oclc.org/ooxml/officedocument/relationships/extendedproperties", 1 },
	{ "http://purl.oclc.org/ooxml/officedocument/relationships/customproperties", 1 },
	{ "http://schemas.microsoft.com/office/2006/relationships/vbaprojectsignature", 2 },
	{ "http://schemas.microsoft.com/office/2014/relationships/vbaprojectsignatureagile", 2 },
	{ "http://schemas.microsoft.com/office/2020/relationships/vbaprojectsignaturev3", 2 },
	{ TAMGA__OPC_RT_ORIGIN, 3 },
	{ TAMGA__OPC_RT_SIGNATURE, 3 },
	{ "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/certificate", 3 },
};

int tamga__opc_rel_type_class(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(rel_types) / sizeof(rel_types[0]); i++)
		if (strcasecmp(type, rel_types[i].type) == 0)
			return rel_types[i].class;
	return 0;
}

int tamga__opc_rel_type_unsigned(const char *type)
{
	return tamga__opc_rel_type_class(type) != 0;
}

/* ------------------------------------------------------------ writing */

/* Remove whitespace-only text nodes below n; *removed counts them. */
static void strip_blanks(xmlNodePtr n, int *removed)
{
	xmlNodePtr c, next;

	for (c = n->children; c != NULL; c = next) {
		next = c->next;
		if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			(*removed)++;
		} else if (c->type == XML_ELEMENT_NODE) {
			strip_blanks(c, removed);
		}
	}
}

int tamga__opc_rels_rewrite(tamga_buf *out, int *changed, const unsigned char *data, size_t len, const char *what,
                            const char *add_type, const char *add_target, char **new_id)
{
	static const char empty[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	                            "<Relationships xmlns=\"" TAMGA__OPC_NS_RELS "\"></Relationships>";
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n, rel;
	char id[32];
	unsigned long max = 0;
	int error, removed = 0;

	if (changed != NULL)
		*changed = 0;
	if (new_id != NULL)
		*new_id = NULL;
	if (data == NULL) {
		data = (const unsigned char *)empty;
		len = sizeof(empty) - 1;
		removed = 1; /* a new part is a change */
	}
	if ((error = tamga__xml_parse(&doc, data, len, what)) < 0)
		return error;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, TAMGA__OPC_NS_RELS, "Relationships")) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: the root is not a Relationships element", what);
		goto done;
	}
	strip_blanks(root, &removed);
	if (add_type != NULL) {
		for (n = root->children; n != NULL; n = n->next) {
			xmlChar *v;

			if (n->type != XML_ELEMENT_NODE || (v = xmlGetNoNsProp(n, (const xmlChar *)"Id")) == NULL)
				continue;
			if (strncmp((const char *)v, "rId", 3) == 0 && v[3] >= '0' && v[3] <= '9' &&
			    strspn((const char *)v + 3, "0123456789") == strlen((const char *)v + 3) &&
			    strlen((const char *)v + 3) < 9 && strtoul((const char *)v + 3, NULL, 10) > max)
				max = strtoul((const char *)v + 3, NULL, 10);
			xmlFree(v);
		}
		/* rId<max+1> cannot collide: every other Id is not rId<digits> or smaller. */
		snprintf(id, sizeof(id), "rId%lu", max + 1);
		if ((rel = xmlNewChild(root, root->ns, (const xmlChar *)"Relationship", NULL)) == NULL ||
		    xmlNewProp(rel, (const xmlChar *)"Id", (const xmlChar *)id) == NULL ||
		    xmlNewProp(rel, (const xmlChar *)"Type", (const xmlChar *)add_type) == NULL ||
		    xmlNewProp(rel, (const xmlChar *)"Target", (const xmlChar *)add_target) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		if (new_id != NULL && (*new_id = strdup(id)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		removed++;
	}
	if (changed != NULL)
		*changed = removed > 0;
	error = tamga__xml_serialize(out, doc);
done:
	xmlFreeDoc(doc);
	return error;
}

int tamga__opc_ct_set(tamga_buf *out, const unsigned char *data, size_t len, const char *const *names,
                      const char *const *types, size_t n)
{
	tamga_buf part = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, o;
	char *want = NULL;
	size_t i;
	int error;

	if ((error = tamga__xml_parse(&doc, data, len, "[Content_Types].xml")) < 0)
		return error;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, TAMGA__OPC_NS_CT, "Types")) {
		error = tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: the root is not a Types element");
		goto done;
	}
	for (i = 0; i < n; i++) {
		free(want);
		want = NULL;
		if ((error = tamga__opc_key(&want, names[i])) < 0)
			goto done;
		/* An Override for the part already: change it (two would be ambiguous). */
		for (o = root->children; o != NULL; o = o->next) {
			xmlChar *pn;
			char *key = NULL;
			int same;

			if (!is_elem(o, TAMGA__OPC_NS_CT, "Override") ||
			    (pn = xmlGetNoNsProp(o, (const xmlChar *)"PartName")) == NULL)
				continue;
			error = tamga__opc_key(&key, (const char *)pn);
			xmlFree(pn);
			if (error == TAMGA_ENOMEM)
				goto done;
			tamga_error_clear();
			error = 0;
			same = key != NULL && strcmp(key, want) == 0;
			free(key);
			if (same)
				break;
		}
		if (o == NULL) {
			part.size = 0;
			if ((error = tamga__buf_puts(&part, "/")) < 0 || (error = tamga__opc_uri_encode(&part, names[i])) < 0)
				goto done;
			if ((o = xmlNewChild(root, root->ns, (const xmlChar *)"Override", NULL)) == NULL ||
			    xmlNewProp(o, (const xmlChar *)"PartName", part.ptr) == NULL) {
				error = tamga__error_oom();
				goto done;
			}
		}
		if (xmlSetProp(o, (const xmlChar *)"ContentType", (const xmlChar *)types[i]) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
	}
	error = tamga__xml_serialize(out, doc);
done:
	free(want);
	tamga_buf_dispose(&part);
	xmlFreeDoc(doc);
	return error;
}

/* ------------------------------------------------------------ reading parts */

int tamga__opc_reader_init(struct tamga__opc_reader *r, const struct tamga__opc *opc)
{
	memset(r, 0, sizeof(*r));
	r->opc = opc;
	if ((r->cache = calloc(opc->count + 1, sizeof(*r->cache))) == NULL ||
	    (r->loaded = calloc(opc->count + 1, 1)) == NULL) {
		tamga__opc_reader_free(r);
		return tamga__error_oom();
	}
	return 0;
}

void tamga__opc_reader_free(struct tamga__opc_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; r->cache != NULL && i < r->opc->count; i++)
		tamga_buf_dispose(&r->cache[i]);
	for (i = 0; i < r->over_count; i++) {
		free(r->over[i].key);
		tamga_buf_dispose(&r->over[i].data);
	}
	free(r->cache);
	free(r->loaded);
	free(r->over);
	memset(r, 0, sizeof(*r));
}

int tamga__opc_reader_put(struct tamga__opc_reader *r, const char *key, const void *data, size_t len)
{
	struct tamga__opc_overlay *g;
	size_t i;

	for (i = 0; i < r->over_count; i++)
		if (strcmp(r->over[i].key, key) == 0) {
			r->over[i].data.size = 0;
			return tamga__buf_append(&r->over[i].data, data, len);
		}
	if ((g = realloc(r->over, (r->over_count + 1) * sizeof(*g))) == NULL)
		return tamga__error_oom();
	r->over = g;
	memset(&g[r->over_count], 0, sizeof(*g));
	if ((g[r->over_count].key = strdup(key)) == NULL)
		return tamga__error_oom();
	if (tamga__buf_append(&g[r->over_count].data, data, len) < 0) {
		free(g[r->over_count].key);
		return tamga__error_oom();
	}
	r->over_count++;
	return 0;
}

int tamga__opc_read(struct tamga__opc_reader *r, const char *key, const unsigned char **data, size_t *len)
{
	static const unsigned char nothing[1] = { 0 };
	long at;
	size_t i;
	int error;

	for (i = 0; i < r->over_count; i++)
		if (strcmp(r->over[i].key, key) == 0) {
			*data = r->over[i].data.ptr ? r->over[i].data.ptr : nothing;
			*len = r->over[i].data.size;
			return 0;
		}
	if ((at = tamga__opc_find(r->opc, key)) < 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "the package has no part %s", key);
	if (!r->loaded[at]) {
		if ((error = tamga__zip_read(r->opc->zip, (size_t)at, &r->cache[at])) < 0)
			return error;
		r->loaded[at] = 1;
	}
	*data = r->cache[at].ptr ? r->cache[at].ptr : nothing;
	*len = r->cache[at].size;
	return 0;
}

/* ------------------------------------------------------------ signatures */

static int push(char ***list, size_t *count, char *s)
{
	char **g;

	if (s == NULL)
		return tamga__error_oom();
	if ((g = realloc(*list, (*count + 1) * sizeof(*g))) == NULL) {
		free(s);
		return tamga__error_oom();
	}
	g[(*count)++] = s;
	*list = g;
	return 0;
}

static int warn(struct tamga__opc_sigs *s, const char *fmt, ...) TAMGA__PRINTF(2, 3);

static int warn(struct tamga__opc_sigs *s, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	return push(&s->warnings, &s->warning_count, n < 0 ? NULL : m);
}

void tamga__opc_sigs_free(struct tamga__opc_sigs *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->origin);
	free(s->origin_rels);
	for (i = 0; i < s->count; i++)
		free(s->parts[i]);
	free(s->parts);
	for (i = 0; i < s->warning_count; i++)
		free(s->warnings[i]);
	free(s->warnings);
	memset(s, 0, sizeof(*s));
}

#define MAX_ORIGIN_RELS 1000

static int listed(char *const *list, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], key) == 0)
			return 1;
	return 0;
}

int tamga__opc_signatures(struct tamga__opc_sigs *out, struct tamga__opc_reader *r)
{
	struct tamga__opc_rels root, orels;
	const unsigned char *data;
	size_t len, i;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&root, 0, sizeof(root));
	memset(&orels, 0, sizeof(orels));
	if ((error = tamga__opc_read(r, "_rels/.rels", &data, &len)) == 0) {
		if ((error = tamga__opc_rels_parse(&root, data, len, "_rels/.rels")) < 0)
			goto done;
	} else if (error != TAMGA_ENOTFOUND) {
		goto done;
	}
	tamga_error_clear();
	error = 0;
	for (i = 0; i < root.count; i++) {
		const struct tamga__opc_rel *rel = &root.rels[i];

		if (strcasecmp(rel->type, TAMGA__OPC_RT_ORIGIN) != 0)
			continue;
		if (rel->external || rel->target_key == NULL) {
			if ((error = warn(out, "_rels/.rels: the signature origin relationship %s names no part of "
			                       "the package", rel->id)) < 0)
				goto done;
			continue;
		}
		if (out->origin != NULL && strcmp(out->origin, rel->target_key) == 0)
			continue;
		out->origin_count++;
		if (out->origin == NULL && (out->origin = strdup(rel->target_key)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
	}
	if (out->origin != NULL) {
		if ((out->origin_rels = tamga__opc_rels_of(out->origin)) == NULL) {
			error = TAMGA_ENOMEM;
			goto done;
		}
		error = tamga__opc_read(r, out->origin_rels, &data, &len);
		if (error == 0)
			error = tamga__opc_rels_parse(&orels, data, len, out->origin_rels);
		if (error == TAMGA_ENOTFOUND) {
			tamga_error_clear();
			error = 0;
		}
		if (error < 0)
			goto done;
	}
	/* Each relationship here is a signature to check or a warning, and
	 * the checks below compare them pairwise: a bound, far above what
	 * any document has (the signer refuses more than 1000 too). */
	if (orels.count > MAX_ORIGIN_RELS) {
		error = tamga__error_set(TAMGA_ELIMIT, "%s has %zu relationships, more than the limit of %d signatures",
		                         out->origin_rels, orels.count, MAX_ORIGIN_RELS);
		goto done;
	}
	for (i = 0; i < orels.count; i++) {
		const struct tamga__opc_rel *rel = &orels.rels[i];

		if (strcasecmp(rel->type, TAMGA__OPC_RT_SIGNATURE) != 0) {
			if ((error = warn(out, "%s: relationship %s of type %s is not a document signature (not checked)",
			                  out->origin_rels, rel->id, rel->type)) < 0)
				goto done;
			continue;
		}
		if (rel->external || rel->target_key == NULL) {
			if ((error = warn(out, "%s: signature relationship %s names no part of the package",
			                  out->origin_rels, rel->id)) < 0)
				goto done;
			continue;
		}
		if (listed(out->parts, out->count, rel->target_key)) {
			if ((error = warn(out, "%s: the signature part %s is named twice", out->origin_rels,
			                  rel->target_key)) < 0)
				goto done;
			continue;
		}
		if ((error = push(&out->parts, &out->count, strdup(rel->target_key))) < 0)
			goto done;
	}
	/* What looks like a signature but is not reached as one. */
	for (i = 0; i < r->opc->count; i++) {
		const char *k = r->opc->keys[i];
		size_t n = k ? strlen(k) : 0;

		if (k == NULL || !tamga__opc_in_sig_dir(k) || n < 4 || strcmp(k + n - 4, ".xml") != 0 ||
		    listed(out->parts, out->count, k))
			continue;
		if ((error = warn(out, "%s is not reached through the package's signature origin: it is not a "
		                       "document signature (not checked)", r->opc->names[i])) < 0)
			goto done;
	}
done:
	tamga__opc_rels_free(&root);
	tamga__opc_rels_free(&orels);
	if (error < 0)
		tamga__opc_sigs_free(out);
	return error;
}

int tamga__opc_xml_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct tamga__opc_reader *r = payload;
	char *key = strdup(path), *p;
	int error;

	if (key == NULL)
		return tamga__error_oom();
	/* path is decoded already: only the case folds */
	for (p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	error = tamga__opc_read(r, key, data, len);
	free(key);
	return error;
}
