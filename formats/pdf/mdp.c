/*
 * formats/pdf/mdp.c - what changed after a signature, and whether the
 * signature allows it (ISO 32000-1 §12.8.2.2 DocMDP, §12.8.2.4 FieldMDP,
 * §12.7.4.5 signature field /Lock; §7.5.6 incremental updates).
 *
 *     data[0 .. covered end)  = the signed revision S   (opened on its own)
 *     data[0 .. len)          = the document D as a viewer shows it
 *
 *     object n: S's xref entry == D's xref entry  -> the same bytes, unchanged
 *               otherwise parse both and compare structurally; a difference
 *               is judged by what n is used for (its "role") in S and in D
 *
 * Roles come from walking each revision from the trailer: catalog, page
 * tree, page contents, resources, annotations and their appearances, the
 * form field tree, DSS, metadata.  The walk records object numbers, not
 * objects, so a reference to a number that was free when signed and is
 * defined later (a shadow attack without changing the referrer) still has
 * the role of the place it is referenced from.  What the rules do not know
 * and the signed revision used is "other", not allowed.
 *
 * Attacks: incremental saving (page content or resources replaced), shadow
 * hide / replace / hide-and-replace (an object the signed revision carried
 * unused is referenced now, /Pages swapped: the referrer changed), evil
 * annotation (annotations on a certified document), sneaky signature (new
 * signature fields are reported, and judged by their own verification).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/reader.h"
#include "formats/pdf/verify_internal.h"

/* ------------------------------------------------------------------ equality */

static const struct pdf_dict_entry *find_key(const pdf_obj *d, const char *key, size_t key_len)
{
	size_t i;

	for (i = 0; i < d->u.dict.len; i++) {
		const struct pdf_dict_entry *e = &d->u.dict.items[i];

		if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
			return e;
	}
	return NULL;
}

int tamga__pdfv_equal(const pdf_obj *a, const pdf_obj *b, size_t *budget)
{
	size_t i;

	if (*budget == 0)
		return 0;
	(*budget)--;
	if (a == b)
		return 1;
	if (a == NULL || b == NULL || a->type != b->type)
		return 0;
	switch (a->type) {
	case PDF_NULL:
		return 1;
	case PDF_BOOL:
		return a->u.boolean == b->u.boolean;
	case PDF_INT:
		return a->u.integer == b->u.integer;
	case PDF_REAL:
		return a->u.real.value == b->u.real.value;
	case PDF_STRING:
		return a->u.string.len == b->u.string.len &&
		       (a->u.string.len == 0 || memcmp(a->u.string.data, b->u.string.data, a->u.string.len) == 0);
	case PDF_NAME:
		return a->u.name.len == b->u.name.len && memcmp(a->u.name.data, b->u.name.data, a->u.name.len) == 0;
	case PDF_ARRAY:
		if (a->u.array.len != b->u.array.len)
			return 0;
		for (i = 0; i < a->u.array.len; i++)
			if (!tamga__pdfv_equal(a->u.array.items[i], b->u.array.items[i], budget))
				return 0;
		return 1;
	case PDF_DICT:
		if (a->u.dict.len != b->u.dict.len)
			return 0;
		for (i = 0; i < a->u.dict.len; i++) {
			const struct pdf_dict_entry *e = &a->u.dict.items[i], *f = find_key(b, e->key, e->key_len);

			if (f == NULL || !tamga__pdfv_equal(e->value, f->value, budget))
				return 0;
		}
		return 1;
	case PDF_STREAM:
		return tamga__pdfv_equal(a->u.stream.dict, b->u.stream.dict, budget) && a->u.stream.len == b->u.stream.len &&
		       (a->u.stream.len == 0 || memcmp(a->u.stream.data, b->u.stream.data, a->u.stream.len) == 0);
	case PDF_REF:
		return a->u.ref.num == b->u.ref.num && a->u.ref.gen == b->u.ref.gen;
	}
	return 0;
}

static int equal(const pdf_obj *a, const pdf_obj *b)
{
	size_t budget = PDFV_MAX_COMPARE;

	return tamga__pdfv_equal(a, b, &budget);
}

/* ------------------------------------------------------------------ roles */

int tamga__pdfv_oom(void)
{
	return tamga_error_last()->code == TAMGA_ENOMEM;
}

int tamga__pdfv_resolve(pdf_doc *doc, pdf_obj *obj, pdf_obj **out)
{
	*out = NULL;
	if (obj == NULL)
		return 0;
	if (tamga__pdf_resolve(doc, obj, out) < 0) {
		*out = NULL;
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		tamga_error_clear();
		return 0;
	}
	if (*out != NULL && (*out)->type == PDF_NULL)
		*out = NULL;
	return 0;
}

static int dict_resolve(pdf_doc *doc, const pdf_obj *dict, const char *key, pdf_obj **out)
{
	return tamga__pdfv_resolve(doc, tamga__pdf_dict_get(dict, key), out);
}

/* Set bit on num; 1 when it was not set before. */
static int mark(struct pdfv_map *m, const pdf_obj *ref, uint32_t bit, int32_t page, uint32_t owner)
{
	struct pdfv_role *r;

	if (ref == NULL || ref->type != PDF_REF || ref->u.ref.num >= m->size)
		return 0;
	r = &m->roles[ref->u.ref.num];
	if (r->bits & bit)
		return 0;
	if (r->bits == 0 || r->page < 0)
		r->page = page;
	if ((bit & (PDFV_AP | PDFV_SIGDICT)) && r->owner == 0)
		r->owner = owner;
	r->bits |= bit;
	return 1;
}

/* Mark every object reachable from value with bit (not following /Parent
 * or /P, which lead back up into the page tree). */
static int walk(struct pdfv_map *m, pdf_obj *value, uint32_t bit, int32_t page, uint32_t owner)
{
	pdf_obj **stack = NULL, *o;
	size_t n = 0, cap = 0, i;
	int error = 0;

	if (value == NULL)
		return 0;
#define PUSH(x)                                                                      \
	do {                                                                         \
		if (n == cap) {                                                      \
			pdf_obj **g = realloc(stack, (cap = cap ? 2 * cap : 64) * sizeof(*g)); \
			if (g == NULL) {                                             \
				error = tamga__error_oom();                          \
				goto done;                                           \
			}                                                            \
			stack = g;                                                   \
		}                                                                    \
		stack[n++] = (x);                                                    \
	} while (0)
	PUSH(value);
	while (n > 0) {
		o = stack[--n];
		if (++m->work > PDFV_MAX_WALK) {
			m->truncated = 1;
			break;
		}
		switch (o->type) {
		case PDF_REF:
			if (mark(m, o, bit, page, owner)) {
				pdf_obj *t = NULL;

				if (tamga__pdf_get(m->doc, o->u.ref.num, o->u.ref.gen, &t) < 0) {
					if (tamga__pdfv_oom()) {
						error = TAMGA_ENOMEM;
						goto done;
					}
					tamga_error_clear();
				} else if (t != NULL) {
					PUSH(t);
				}
			}
			break;
		case PDF_ARRAY:
			for (i = 0; i < o->u.array.len; i++)
				PUSH(o->u.array.items[i]);
			break;
		case PDF_DICT:
			for (i = 0; i < o->u.dict.len; i++) {
				const char *k = o->u.dict.items[i].key;

				if (strcmp(k, "Parent") != 0 && strcmp(k, "P") != 0)
					PUSH(o->u.dict.items[i].value);
			}
			break;
		case PDF_STREAM:
			PUSH(o->u.stream.dict);
			break;
		default:
			break;
		}
	}
#undef PUSH
done:
	free(stack);
	return error;
}

static int walk_key(struct pdfv_map *m, const pdf_obj *dict, const char *key, uint32_t bit, int32_t page,
                    uint32_t owner)
{
	return walk(m, tamga__pdf_dict_get(dict, key), bit, page, owner);
}

/* An annotation's appearance (§12.5.5) and widget icons (/MK, §12.5.6.19). */
static int walk_appearance(struct pdfv_map *m, const pdf_obj *annot, int32_t page, uint32_t owner)
{
	int error;

	if ((error = walk_key(m, annot, "AP", PDFV_AP, page, owner)) < 0)
		return error;
	return walk_key(m, annot, "MK", PDFV_AP, page, owner);
}

static int map_annots(struct pdfv_map *m, const pdf_obj *page, int32_t index)
{
	pdf_obj *v = tamga__pdf_dict_get(page, "Annots"), *arr, *a;
	size_t i;
	int error;

	mark(m, v, PDFV_ANNOTS, index, 0);
	if ((error = tamga__pdfv_resolve(m->doc, v, &arr)) < 0)
		return error;
	if (arr == NULL || arr->type != PDF_ARRAY)
		return 0;
	for (i = 0; i < arr->u.array.len; i++) {
		pdf_obj *item = arr->u.array.items[i];

		if (++m->work > PDFV_MAX_WALK) {
			m->truncated = 1;
			return 0;
		}
		if (item->type == PDF_REF && !mark(m, item, PDFV_ANNOT, index, 0))
			continue;
		if ((error = tamga__pdfv_resolve(m->doc, item, &a)) < 0)
			return error;
		if (tamga__pdf_dict_of(a) == NULL)
			continue;
		mark(m, tamga__pdf_dict_get(a, "Popup"), PDFV_ANNOT, index, 0);
		if ((error = walk_appearance(m, a, index, item->type == PDF_REF ? item->u.ref.num : 0)) < 0)
			return error;
	}
	return 0;
}

static int map_page(struct pdfv_map *m, const pdf_obj *page, int32_t index)
{
	pdf_obj *c = tamga__pdf_dict_get(page, "Contents");
	int error;

	if ((error = walk(m, c, PDFV_CONTENT, index, 0)) < 0 ||
	    (error = walk_key(m, page, "Resources", PDFV_RES, index, 0)) < 0)
		return error;
	return map_annots(m, page, index);
}

static int map_pages(struct pdfv_map *m, pdf_obj *node_ref, int32_t *count, unsigned int depth)
{
	pdf_obj *node, *kids;
	size_t i;
	int error;

	if (node_ref == NULL || node_ref->type != PDF_REF || depth > 64 ||
	    !mark(m, node_ref, PDFV_PAGES | PDFV_PAGE, *count, 0))
		return 0;
	if ((error = tamga__pdfv_resolve(m->doc, node_ref, &node)) < 0)
		return error;
	if (node == NULL || node->type != PDF_DICT)
		return 0;
	if (!tamga__pdf_is_name(tamga__pdf_dict_get(node, "Type"), "Pages")) {
		m->roles[node_ref->u.ref.num].bits &= ~(uint32_t)PDFV_PAGES;
		return map_page(m, node, (*count)++);
	}
	m->roles[node_ref->u.ref.num].bits &= ~(uint32_t)PDFV_PAGE;
	if ((error = walk_key(m, node, "Resources", PDFV_RES, -1, 0)) < 0 ||
	    (error = dict_resolve(m->doc, node, "Kids", &kids)) < 0)
		return error;
	mark(m, tamga__pdf_dict_get(node, "Kids"), PDFV_PAGES, -1, 0);
	for (i = 0; kids != NULL && kids->type == PDF_ARRAY && i < kids->u.array.len; i++)
		if ((error = map_pages(m, kids->u.array.items[i], count, depth + 1)) < 0)
			return error;
	return 0;
}

/* ------------------------------------------------------------------ the form field tree */

static int map_error(struct pdfv_map *m, const char *fmt, ...) TAMGA__PRINTF(2, 3);

static int map_error(struct pdfv_map *m, const char *fmt, ...)
{
	va_list ap;

	if (m->error != NULL)
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&m->error, fmt, ap) < 0) {
		m->error = NULL;
		va_end(ap);
		return tamga__error_oom();
	}
	va_end(ap);
	return 0;
}

static char *join_name(const char *parent, const pdf_obj *t)
{
	char *part, *s = NULL;

	if (t == NULL || t->type != PDF_STRING)
		return tamga__strdup(parent ? parent : "");
	if ((part = tamga__pdfv_text(t->u.string.data, t->u.string.len)) == NULL)
		return NULL;
	if (parent == NULL || parent[0] == '\0')
		return part;
	if (asprintf(&s, "%s.%s", parent, part) < 0)
		s = NULL;
	free(part);
	if (s == NULL)
		tamga__error_oom();
	return s;
}

static int add_found(struct pdfv_map *m, const pdf_obj *v, uint32_t field, const char *name)
{
	struct pdfv_found *f;
	size_t i;

	for (i = 0; v->type == PDF_REF && i < m->nfound; i++) {
		if (m->found[i].num == v->u.ref.num) {
			m->found[i].refs++;
			return 0;
		}
	}
	if (m->nfound >= PDFV_MAX_SIGS)
		return map_error(m, "PDF: the form has more than %d signature fields with a value", PDFV_MAX_SIGS);
	if ((f = realloc(m->found, (m->nfound + 1) * sizeof(*f))) == NULL)
		return tamga__error_oom();
	m->found = f;
	f = &m->found[m->nfound];
	memset(f, 0, sizeof(*f));
	if (v->type == PDF_REF) {
		f->num = v->u.ref.num;
		f->gen = v->u.ref.gen;
	}
	f->field = field;
	f->refs = 1;
	if (name != NULL && name[0] != '\0' && (f->name = tamga__strdup(name)) == NULL)
		return TAMGA_ENOMEM;
	m->nfound++;
	return 0;
}

static int map_field(struct pdfv_map *m, pdf_obj *item, const char *parent, int parent_sig, unsigned int depth)
{
	pdf_obj *node, *ft, *v, *kids, *kv;
	uint32_t num = item->type == PDF_REF ? item->u.ref.num : 0;
	char *name = NULL;
	size_t i;
	int sig, error = 0;

	if (depth > PDFV_MAX_FIELD_DEPTH)
		return map_error(m, "PDF: the form field tree is nested deeper than %d", PDFV_MAX_FIELD_DEPTH);
	if (++m->fields > PDFV_MAX_FIELDS)
		return map_error(m, "PDF: the form has more than %d fields", PDFV_MAX_FIELDS);
	if (item->type == PDF_REF && !mark(m, item, PDFV_FIELD, -1, 0))
		return 0; /* seen: a loop, or a field listed twice */
	if ((error = tamga__pdfv_resolve(m->doc, item, &node)) < 0)
		return error;
	if (node == NULL || node->type != PDF_DICT)
		return 0;
	if ((name = join_name(parent, tamga__pdf_dict_get(node, "T"))) == NULL)
		return TAMGA_ENOMEM;
	ft = tamga__pdf_dict_get(node, "FT");
	sig = ft != NULL ? tamga__pdf_is_name(ft, "Sig") : parent_sig;
	if (num != 0 && num < m->size) {
		struct pdfv_role *r = &m->roles[num];

		if (sig)
			r->bits |= PDFV_SIGFIELD;
		if (tamga__pdf_dict_get(node, "T") != NULL)
			r->bits |= PDFV_NAMED;
		if (r->name == NULL) {
			r->name = name;
			name = NULL;
		}
	}
	v = tamga__pdf_dict_get(node, "V");
	if (v != NULL && v->type != PDF_NULL) {
		if (sig) {
			mark(m, v, PDFV_SIGDICT, -1, num);
			if (m->collect && (error = add_found(m, v, num, num ? m->roles[num].name : name)) < 0)
				goto done;
		} else if ((error = walk(m, v, PDFV_FIELDVAL, -1, num)) < 0) {
			goto done;
		}
	}
	if ((error = walk_appearance(m, node, -1, num)) < 0)
		goto done;
	kv = tamga__pdf_dict_get(node, "Kids");
	mark(m, kv, PDFV_KIDS, -1, 0);
	if ((error = tamga__pdfv_resolve(m->doc, kv, &kids)) < 0)
		goto done;
	for (i = 0; kids != NULL && kids->type == PDF_ARRAY && i < kids->u.array.len && m->error == NULL; i++)
		if ((error = map_field(m, kids->u.array.items[i], num ? m->roles[num].name : name, sig, depth + 1)) < 0)
			goto done;
done:
	free(name);
	return error;
}

static int map_form(struct pdfv_map *m, const pdf_obj *catalog)
{
	pdf_obj *av = tamga__pdf_dict_get(catalog, "AcroForm"), *acro, *fields;
	size_t i;
	int error;

	mark(m, av, PDFV_ACROFORM, -1, 0);
	if ((error = tamga__pdfv_resolve(m->doc, av, &acro)) < 0)
		return error;
	if (acro == NULL || acro->type != PDF_DICT)
		return 0;
	mark(m, tamga__pdf_dict_get(acro, "Fields"), PDFV_FIELDS, -1, 0);
	if ((error = walk_key(m, acro, "DR", PDFV_DR, -1, 0)) < 0 ||
	    (error = dict_resolve(m->doc, acro, "Fields", &fields)) < 0)
		return error;
	for (i = 0; fields != NULL && fields->type == PDF_ARRAY && i < fields->u.array.len && m->error == NULL; i++)
		if ((error = map_field(m, fields->u.array.items[i], NULL, 0, 0)) < 0)
			return error;
	return 0;
}

int tamga__pdfv_map_build(struct pdfv_map *m, pdf_doc *doc, int collect)
{
	pdf_obj *trailer = tamga__pdf_trailer(doc), *root = tamga__pdf_dict_get(trailer, "Root"), *catalog;
	int32_t count = 0;
	int error;

	memset(m, 0, sizeof(*m));
	m->doc = doc;
	m->size = tamga__pdf_size(doc);
	m->collect = collect;
	if ((m->roles = calloc(m->size ? m->size : 1, sizeof(*m->roles))) == NULL)
		return tamga__error_oom();
	for (uint32_t i = 0; i < m->size; i++)
		m->roles[i].page = -1;
	if ((error = tamga__pdf_catalog(doc, &catalog)) < 0)
		return tamga__pdfv_oom() ? error : map_error(m, "%s", tamga_error_last()->message);
	mark(m, root, PDFV_CATALOG, -1, 0);
	if ((error = map_form(m, catalog)) < 0 || (error = map_pages(m, tamga__pdf_dict_get(catalog, "Pages"), &count, 0)) < 0 ||
	    (error = walk_key(m, catalog, "DSS", PDFV_DSS, -1, 0)) < 0 ||
	    (error = walk_key(m, catalog, "Metadata", PDFV_META, -1, 0)) < 0 ||
	    (error = walk_key(m, trailer, "Info", PDFV_META, -1, 0)) < 0)
		return error;
	return 0;
}

void tamga__pdfv_map_free(struct pdfv_map *m)
{
	size_t i;

	if (m->roles != NULL)
		for (i = 0; i < m->size; i++)
			free(m->roles[i].name);
	free(m->roles);
	for (i = 0; i < m->nfound; i++)
		free(m->found[i].name);
	free(m->found);
	free(m->error);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ locks */

int tamga__pdfv_locked(const struct pdfv_lock *l, const char *name)
{
	size_t i;
	int named = 0;

	if (l->all)
		return 1;
	for (i = 0; i < l->count && name != NULL; i++)
		if (strcmp(l->names[i], name) == 0)
			named = 1;
	return l->exclude ? !named : named;
}

/* ------------------------------------------------------------------ judging changes */

struct mdp {
	const struct pdfv_map *f;  /* the document */
	struct pdfv_map s;         /* the signed revision */
	struct pdfv_sig *sigs, *sig;
	size_t count;
	int cert;
	unsigned char *reported;   /* per object number: a finding was made */
	uint32_t nmax;
	int dss_seen, meta_seen, acro_seen;
};

static int mod(struct mdp *c, const char *kind, int allowed, const char *fmt, ...) TAMGA__PRINTF(4, 5);

static int mod(struct mdp *c, const char *kind, int allowed, const char *fmt, ...)
{
	char detail[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return tamga__evidence_sig_mod(c->sig->ev, kind, allowed, "%s", detail);
}

/* 1 the first time num is reported. */
static int once(struct mdp *c, uint32_t num)
{
	if (num >= c->nmax)
		return 1;
	if (c->reported[num])
		return 0;
	c->reported[num] = 1;
	return 1;
}

static const struct pdfv_role *role(const struct pdfv_map *m, uint32_t num)
{
	static const struct pdfv_role none = { 0, -1, 0, NULL };

	return num < m->size ? &m->roles[num] : &none;
}

static const char *fname(const struct pdfv_role *r)
{
	return r->name != NULL ? r->name : "";
}

static int locked(struct mdp *c, const char *name)
{
	size_t i, k;

	for (i = 0; i < c->count; i++) {
		const struct pdfv_sig *s = &c->sigs[i];

		if (s->covered_end == 0 || s->covered_end > c->sig->covered_end)
			continue;
		for (k = 0; k < s->lock_count; k++)
			if (tamga__pdfv_locked(&s->locks[k], name))
				return 1;
	}
	return 0;
}

static int form_fill(struct mdp *c, uint32_t field, const char *what)
{
	const char *name = fname(role(c->f, field));
	int lock;

	if (!once(c, field))
		return 0;
	lock = locked(c, name);
	return mod(c, "form-fill", c->cert != 1 && !lock, "object %u (field '%s') %s%s%s", field, name, what,
	           lock ? "; a signature locks this field" : "", c->cert == 1 ? "; the certification allows no changes" : "");
}

static int is_doc_timestamp(pdf_doc *doc, const pdf_obj *field)
{
	pdf_obj *v = NULL;

	if (dict_resolve(doc, field, "V", &v) < 0)
		return 0;
	return v != NULL && tamga__pdf_is_name(tamga__pdf_dict_get(v, "Type"), "DocTimeStamp");
}

/* A signature field that is new, or an empty one now signed. */
static int signature_added(struct mdp *c, uint32_t field, const pdf_obj *obj, const char *what)
{
	const char *name = fname(role(c->f, field));

	if (!once(c, field))
		return 0;
	if (is_doc_timestamp(c->f->doc, obj))
		return mod(c, "doc-timestamp", 1, "object %u (field '%s'): document time-stamp %s", field, name, what);
	return mod(c, "signature-added", c->cert != 1, "object %u (signature field '%s') %s", field, name, what);
}

static int annotation_added(struct mdp *c, pdf_obj *item, int32_t page)
{
	uint32_t num = item->type == PDF_REF ? item->u.ref.num : 0;
	const struct pdfv_role *r = role(c->f, num);
	pdf_obj *a = NULL, *st;
	const char *sub;
	int error, drawing;

	if ((error = tamga__pdfv_resolve(c->f->doc, item, &a)) < 0)
		return error;
	if (r->bits & PDFV_SIGFIELD) /* reported as the signature field it is */
		return (r->bits & PDFV_NAMED) && a != NULL ? signature_added(c, num, a, "added") : 0;
	if (num != 0 && !once(c, num))
		return 0;
	if (r->bits & PDFV_FIELD)
		return mod(c, "field-added", 0, "object %u (page %d): a widget of form field '%s' added", num, page + 1,
		           fname(r));
	st = tamga__pdf_dict_get(a, "Subtype");
	sub = st != NULL && st->type == PDF_NAME ? st->u.name.data : "(no /Subtype)";
	drawing = !(strcmp(sub, "Link") == 0 || strcmp(sub, "Text") == 0 || strcmp(sub, "Popup") == 0);
	return mod(c, drawing ? "annotation-overlay" : "annotation-added", c->cert == 3 || (c->cert == 0 && !drawing),
	           "object %u (page %d): %s annotation added", num, page + 1, sub);
}

static int in_array(const pdf_obj *arr, const pdf_obj *item)
{
	size_t i;

	for (i = 0; arr != NULL && arr->type == PDF_ARRAY && i < arr->u.array.len; i++)
		if (equal(arr->u.array.items[i], item))
			return 1;
	return 0;
}

static int annots_diff(struct mdp *c, pdf_obj *oldv, pdf_obj *newv, int32_t page)
{
	pdf_obj *o = NULL, *n = NULL;
	size_t i;
	int error;

	if ((error = tamga__pdfv_resolve(c->s.doc, oldv, &o)) < 0 || (error = tamga__pdfv_resolve(c->f->doc, newv, &n)) < 0)
		return error;
	for (i = 0; o != NULL && o->type == PDF_ARRAY && i < o->u.array.len; i++) {
		pdf_obj *it = o->u.array.items[i];

		if (!in_array(n, it) &&
		    (error = mod(c, "annotation-removed", 0, "page %d: annotation %u removed", page + 1,
		                 it->type == PDF_REF ? it->u.ref.num : 0)) < 0)
			return error;
	}
	for (i = 0; n != NULL && n->type == PDF_ARRAY && i < n->u.array.len; i++) {
		pdf_obj *it = n->u.array.items[i];

		if (!in_array(o, it) && (error = annotation_added(c, it, page)) < 0)
			return error;
	}
	return 0;
}

static int acroform_note(struct mdp *c, int allowed, const char *what)
{
	if (allowed && c->acro_seen)
		return 0;
	c->acro_seen |= allowed;
	return mod(c, "acroform", allowed, "/AcroForm: %s", what);
}

static int fields_diff(struct mdp *c, pdf_obj *oldv, pdf_obj *newv)
{
	pdf_obj *o = NULL, *n = NULL, *fld;
	size_t i, gained = 0, ts = 0;
	char what[96];
	int error;

	if ((error = tamga__pdfv_resolve(c->s.doc, oldv, &o)) < 0 || (error = tamga__pdfv_resolve(c->f->doc, newv, &n)) < 0)
		return error;
	for (i = 0; o != NULL && o->type == PDF_ARRAY && i < o->u.array.len; i++) {
		pdf_obj *it = o->u.array.items[i];

		if (!in_array(n, it)) {
			snprintf(what, sizeof(what), "field %u removed from /Fields", it->type == PDF_REF ? it->u.ref.num : 0);
			if ((error = acroform_note(c, 0, what)) < 0)
				return error;
		}
	}
	for (i = 0; n != NULL && n->type == PDF_ARRAY && i < n->u.array.len; i++) {
		pdf_obj *it = n->u.array.items[i];

		if (in_array(o, it))
			continue;
		gained++;
		if ((error = tamga__pdfv_resolve(c->f->doc, it, &fld)) < 0)
			return error;
		ts += fld != NULL && is_doc_timestamp(c->f->doc, fld);
	}
	if (gained == 0)
		return 0;
	snprintf(what, sizeof(what), "/Fields gained %zu field%s", gained, gained == 1 ? "" : "s");
	return acroform_note(c, c->cert != 1 || ts == gained, what);
}

/* Every entry of old is in new, unchanged or itself grown (resources may
 * gain fonts). */
static int superset(const pdf_obj *o, const pdf_obj *n, unsigned int depth)
{
	size_t i;

	if (o == NULL)
		return 1;
	if (n == NULL || depth > 8)
		return 0;
	if (equal(o, n))
		return 1;
	if (o->type != PDF_DICT || n->type != PDF_DICT)
		return 0;
	for (i = 0; i < o->u.dict.len; i++) {
		const struct pdf_dict_entry *e = &o->u.dict.items[i], *f = find_key(n, e->key, e->key_len);

		if (f == NULL || !superset(e->value, f->value, depth + 1))
			return 0;
	}
	return 1;
}

static int acroform_diff(struct mdp *c, pdf_obj *o, pdf_obj *n)
{
	size_t i, k;
	int error;

	for (k = 0; k < 2; k++) {
		pdf_obj *d = k == 0 ? o : n, *other = k == 0 ? n : o;

		for (i = 0; d != NULL && d->type == PDF_DICT && i < d->u.dict.len; i++) {
			const char *key = d->u.dict.items[i].key;
			pdf_obj *ov = tamga__pdf_dict_get(o, key), *nv = tamga__pdf_dict_get(n, key), *ro, *rn;
			char what[160];

			if ((k == 1 && tamga__pdf_dict_get(other, key) != NULL) || equal(ov, nv))
				continue;
			if (strcmp(key, "Fields") == 0) {
				error = fields_diff(c, ov, nv);
			} else if (strcmp(key, "SigFlags") == 0) {
				error = acroform_note(c, 1, "/SigFlags changed");
			} else if (strcmp(key, "DR") == 0) {
				if ((error = tamga__pdfv_resolve(c->s.doc, ov, &ro)) < 0 || (error = tamga__pdfv_resolve(c->f->doc, nv, &rn)) < 0)
					return error;
				error = acroform_note(c, c->cert != 1 && superset(ro, rn, 0),
				                      superset(ro, rn, 0) ? "/DR gained resources" : "/DR changed");
			} else {
				char q[32];

				tamga__pdf_quote(q, (const unsigned char *)key, strlen(key));
				snprintf(what, sizeof(what), "/%s changed", q);
				error = acroform_note(c, 0, what);
			}
			if (error < 0)
				return error;
		}
	}
	return 0;
}

static int note_once(struct mdp *c, int *seen, const char *kind, int allowed, const char *detail)
{
	if (*seen)
		return 0;
	*seen = 1;
	return mod(c, kind, allowed, "%s", detail);
}

static int dss(struct mdp *c)
{
	return note_once(c, &c->dss_seen, "dss", 1, "document security store (/DSS) added or updated");
}

static int metadata(struct mdp *c)
{
	return note_once(c, &c->meta_seen, "metadata", c->cert != 1, "document metadata (/Metadata or /Info) changed");
}

/* Keys of two dictionaries that differ, one call each. */
typedef int (*key_fn)(struct mdp *c, uint32_t num, const char *key, pdf_obj *ov, pdf_obj *nv, void *arg);

static int each_changed_key(struct mdp *c, uint32_t num, const pdf_obj *o, const pdf_obj *n, key_fn fn, void *arg)
{
	const pdf_obj *od = tamga__pdf_dict_of(o), *nd = tamga__pdf_dict_of(n);
	size_t i, k;
	int error;

	for (k = 0; k < 2; k++) {
		const pdf_obj *d = k == 0 ? od : nd;

		for (i = 0; d != NULL && i < d->u.dict.len; i++) {
			const char *key = d->u.dict.items[i].key;
			pdf_obj *ov = tamga__pdf_dict_get(od, key), *nv = tamga__pdf_dict_get(nd, key);

			if ((k == 1 && ov != NULL) || equal(ov, nv))
				continue;
			if ((error = fn(c, num, key, ov, nv, arg)) < 0)
				return error;
		}
	}
	return 0;
}

static int catalog_key(struct mdp *c, uint32_t num, const char *key, pdf_obj *ov, pdf_obj *nv, void *arg)
{
	pdf_obj *o, *n;
	char q[32];
	int error;

	(void)arg;
	if (strcmp(key, "AcroForm") == 0) {
		if ((error = tamga__pdfv_resolve(c->s.doc, ov, &o)) < 0 || (error = tamga__pdfv_resolve(c->f->doc, nv, &n)) < 0)
			return error;
		return acroform_diff(c, o, n);
	}
	if (strcmp(key, "DSS") == 0)
		return dss(c);
	if (strcmp(key, "Metadata") == 0)
		return metadata(c);
	tamga__pdf_quote(q, (const unsigned char *)key, strlen(key));
	return mod(c, "catalog", 0, "object %u (catalog) /%s changed", num, q);
}

static int page_key(struct mdp *c, uint32_t num, const char *key, pdf_obj *ov, pdf_obj *nv, void *arg)
{
	int32_t page = *(int32_t *)arg;
	char q[32];

	if (strcmp(key, "Annots") == 0)
		return annots_diff(c, ov, nv, page);
	if (strcmp(key, "Contents") == 0)
		return mod(c, "page-content", 0, "object %u (page %d) /Contents changed", num, page + 1);
	if (strcmp(key, "Resources") == 0)
		return mod(c, "resources", 0, "object %u (page %d) /Resources changed", num, page + 1);
	tamga__pdf_quote(q, (const unsigned char *)key, strlen(key));
	return mod(c, "page", 0, "object %u (page %d) /%s changed", num, page + 1, q);
}

/* A field, a widget, or an annotation that existed when signed. */
struct pair {
	pdf_obj *o, *n;
};

static int field_key(struct mdp *c, uint32_t num, const char *key, pdf_obj *ov, pdf_obj *nv, void *arg)
{
	const struct pdfv_role *r = role(c->f, num), *rs = role(&c->s, num);
	const struct pair *p = arg;
	int field = (r->bits | rs->bits) & PDFV_FIELD, sig = (r->bits | rs->bits) & PDFV_SIGFIELD;
	int value = strcmp(key, "V") == 0, look = strcmp(key, "AP") == 0 || strcmp(key, "AS") == 0;
	char q[32];

	(void)nv;
	/* An empty signature field signed now: its value and appearance. */
	if (sig && (value || look) && tamga__pdf_dict_get(p->o, "V") == NULL && tamga__pdf_dict_get(p->n, "V") != NULL)
		return signature_added(c, num, p->n, "signed");
	if (sig && value)
		return mod(c, "signature-modified", 0, "object %u (signature field '%s') /V replaced", num, fname(r));
	if (sig && look)
		return mod(c, "appearance", 0, "object %u (signature field '%s') /%s changed", num, fname(r), key);
	if (field && (value || look))
		return form_fill(c, num, value ? "filled in" : "appearance changed");
	tamga__pdf_quote(q, (const unsigned char *)key, strlen(key));
	if (field)
		return mod(c, "field", 0, "object %u (field '%s') /%s changed", num, fname(r), q);
	(void)ov;
	return mod(c, "annotation-modified", 0, "object %u (annotation on page %d) /%s changed", num, r->page + 1, q);
}

/* An object the signed revision used, changed in place. */
static int changed(struct mdp *c, uint32_t num, uint32_t bits, pdf_obj *o, pdf_obj *n)
{
	const struct pdfv_role *r = role(&c->s, num);

	if (bits & PDFV_CATALOG)
		return each_changed_key(c, num, o, n, catalog_key, NULL);
	if (bits & PDFV_PAGES)
		return mod(c, "page", 0, "object %u (page tree node) changed", num);
	if (bits & PDFV_PAGE) {
		int32_t page = r->page;

		return each_changed_key(c, num, o, n, page_key, &page);
	}
	if (bits & PDFV_CONTENT)
		return mod(c, "page-content", 0, "object %u (page %d /Contents) replaced", num, r->page + 1);
	if (bits & PDFV_RES)
		return mod(c, "resources", 0, "object %u (resources of page %d) changed", num, r->page + 1);
	if (bits & PDFV_SIGDICT)
		return mod(c, "signature-modified", 0, "object %u (signature dictionary) changed", num);
	if (bits & (PDFV_FIELD | PDFV_ANNOT)) {
		if (o->type != PDF_DICT || n->type != PDF_DICT)
			return mod(c, "object-reused", 0, "object %u (field or annotation) is no longer a dictionary", num);
		struct pair p = { o, n };

		return each_changed_key(c, num, o, n, field_key, &p);
	}
	if (bits & PDFV_AP)
		return mod(c, "appearance", 0, "object %u (appearance of annotation %u) changed", num, r->owner);
	if (bits & PDFV_ANNOTS)
		return annots_diff(c, o, n, r->page);
	if (bits & (PDFV_FIELDS | PDFV_KIDS))
		return fields_diff(c, o, n);
	if (bits & PDFV_ACROFORM)
		return acroform_diff(c, o, n);
	if (bits & PDFV_DR)
		return acroform_note(c, c->cert != 1 && superset(o, n, 0), superset(o, n, 0) ? "/DR gained resources" : "/DR changed");
	if (bits & PDFV_DSS)
		return dss(c);
	if (bits & PDFV_META)
		return metadata(c);
	if (bits & PDFV_FIELDVAL)
		return form_fill(c, r->owner, "value changed");
	return mod(c, "other", 0, "object %u changed", num);
}

/* An object the signed revision did not have (or had and did not use). */
static int added(struct mdp *c, uint32_t num, pdf_obj *n)
{
	const struct pdfv_role *r = role(c->f, num);
	uint32_t bits = r->bits;

	if (bits & PDFV_CATALOG) {
		pdf_obj *old = NULL;

		if (tamga__pdf_catalog(c->s.doc, &old) < 0)
			return tamga__pdfv_oom() ? TAMGA_ENOMEM : mod(c, "catalog", 0, "object %u: new catalog", num);
		return each_changed_key(c, num, old, n, catalog_key, NULL);
	}
	if (bits & (PDFV_PAGES | PDFV_PAGE))
		return mod(c, "page", 0, "object %u (page %d) added to the page tree", num, r->page + 1);
	if (bits & PDFV_CONTENT)
		return mod(c, "page-content", 0, "object %u (page %d /Contents) added", num, r->page + 1);
	if (bits & PDFV_RES)
		return mod(c, "resources", 0, "object %u (resources of page %d) added", num, r->page + 1);
	if (bits & PDFV_FIELD) {
		if (bits & PDFV_SIGFIELD)
			return (bits & PDFV_NAMED) ? signature_added(c, num, n, "added") : 0;
		if (!once(c, num))
			return 0;
		return mod(c, "field-added", 0, "object %u (field '%s') added", num, fname(r));
	}
	if (bits & PDFV_ANNOT) {
		pdf_obj ref;

		memset(&ref, 0, sizeof(ref));
		ref.type = PDF_REF;
		ref.u.ref.num = num;
		(void)tamga__pdf_object_gen(c->f->doc, num, &ref.u.ref.gen);
		return annotation_added(c, &ref, r->page);
	}
	if (bits & PDFV_AP) {
		uint32_t owner = r->owner;
		const struct pdfv_role *was = role(&c->s, owner), *is = role(c->f, owner);

		if (owner == 0 || !(was->bits & (PDFV_ANNOT | PDFV_FIELD)))
			return 0; /* the appearance of something new: judged as that */
		if (is->bits & PDFV_SIGFIELD)
			return 0; /* judged with the signature field's /V and /AP */
		if (is->bits & PDFV_FIELD)
			return form_fill(c, owner, "given a new appearance");
		return mod(c, "appearance", 0, "object %u (new appearance of annotation %u, page %d)", num, owner,
		           is->page + 1);
	}
	if (bits & PDFV_DSS)
		return dss(c);
	if (bits & PDFV_META)
		return metadata(c);
	if (bits & PDFV_DR)
		return acroform_note(c, c->cert != 1, "/DR gained resources");
	if (bits & PDFV_FIELDVAL)
		return form_fill(c, r->owner, "value changed");
	return 0; /* /AcroForm, /Fields, /Annots, /Kids, a signature dictionary: judged by their referrer */
}

static const char *kind_of(uint32_t bits)
{
	if (bits & PDFV_CATALOG)
		return "catalog";
	if (bits & (PDFV_PAGES | PDFV_PAGE))
		return "page";
	if (bits & PDFV_CONTENT)
		return "page-content";
	if (bits & PDFV_RES)
		return "resources";
	if (bits & PDFV_SIGDICT)
		return "signature-modified";
	if (bits & PDFV_FIELD)
		return "field";
	if (bits & (PDFV_ANNOT | PDFV_ANNOTS))
		return "annotation-removed";
	if (bits & PDFV_AP)
		return "appearance";
	if (bits & (PDFV_ACROFORM | PDFV_FIELDS | PDFV_DR | PDFV_KIDS))
		return "acroform";
	if (bits & PDFV_DSS)
		return "dss";
	if (bits & PDFV_META)
		return "metadata";
	return "other";
}

/* Dictionaries and streams of another /Type, or values of another kind. */
static int reused(const pdf_obj *o, const pdf_obj *n)
{
	pdf_obj *ot, *nt;

	if (o->type != n->type)
		return 1;
	ot = tamga__pdf_dict_get(o, "Type");
	nt = tamga__pdf_dict_get(n, "Type");
	return ot != NULL && nt != NULL && ot->type == PDF_NAME && !equal(ot, nt);
}

static const struct pdf_xent *xent(pdf_doc *doc, uint32_t num)
{
	return num < doc->size ? &doc->xref[num] : NULL;
}

/* Whether num may differ: its entry changed, or the object stream holding it. */
static int entry_differs(pdf_doc *s, pdf_doc *f, uint32_t num, int depth)
{
	const struct pdf_xent *a = xent(s, num), *b = xent(f, num);
	uint8_t ta = a ? a->type : PDF_XREF_FREE, tb = b ? b->type : PDF_XREF_FREE;

	if (ta == PDF_XREF_FREE && tb == PDF_XREF_FREE)
		return 0;
	if (ta != tb || a->f2 != b->f2 || a->f3 != b->f3 || a->gen != b->gen)
		return 1;
	return ta == PDF_XREF_COMPRESSED && depth == 0 && entry_differs(s, f, (uint32_t)a->f2, 1);
}

static int get_obj(pdf_doc *doc, uint32_t num, pdf_obj **out, char *msg, size_t msg_len)
{
	uint16_t gen = 0;
	const struct pdf_xent *e = xent(doc, num);

	*out = NULL;
	if (e == NULL || e->type == PDF_XREF_FREE)
		return 0;
	gen = e->type == PDF_XREF_USED ? e->gen : 0;
	if (tamga__pdf_get(doc, num, gen, out) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		snprintf(msg, msg_len, "%s", tamga_error_last()->message);
		tamga_error_clear();
		*out = NULL;
		return 1;
	}
	if (*out != NULL && (*out)->type == PDF_NULL)
		*out = NULL;
	return 0;
}

static int judge(struct mdp *c, uint32_t num)
{
	pdf_obj *o = NULL, *n = NULL;
	const struct pdf_xent *se = xent(c->s.doc, num), *fe = xent(c->f->doc, num);
	int had = se != NULL && se->type != PDF_XREF_FREE, has = fe != NULL && fe->type != PDF_XREF_FREE;
	uint32_t was = role(&c->s, num)->bits, is = role(c->f, num)->bits;
	char msg[400];
	int error;

	if ((error = get_obj(c->s.doc, num, &o, msg, sizeof(msg))) < 0)
		return error;
	if (error == 0 && (error = get_obj(c->f->doc, num, &n, msg, sizeof(msg))) < 0)
		return error;
	if (error > 0)
		return mod(c, "other", 0, "object %u cannot be read: %s", num, msg);
	if (had && has && equal(o, n))
		return 0;
	if (!had || was == 0) {
		if (is != 0 && n != NULL)
			return added(c, num, n);
		if (had && n == NULL && is == 0)
			return 0; /* unused when signed, and gone */
		return had ? mod(c, "other", 0, "object %u changed", num) : 0;
	}
	if (n == NULL) {
		const char *kind = kind_of(was);
		int ok = strcmp(kind, "dss") == 0 || (strcmp(kind, "metadata") == 0 && c->cert != 1);

		return mod(c, kind, ok, "object %u (%s) freed", num, kind);
	}
	if (o == NULL)
		return added(c, num, n);
	if (reused(o, n))
		return mod(c, "object-reused", 0, "object %u (%s when signed) now holds another kind of object", num,
		           kind_of(was));
	return changed(c, num, was, o, n);
}

int tamga__pdfv_mdp(const struct pdfv_map *final, struct pdfv_sig *sigs, size_t count, size_t index, int cert)
{
	struct mdp c;
	pdf_doc *doc = NULL;
	const unsigned char *data;
	size_t len;
	uint32_t num;
	int error = 0;

	memset(&c, 0, sizeof(c));
	c.f = final;
	c.sigs = sigs;
	c.sig = &sigs[index];
	c.count = count;
	c.cert = cert;
	data = tamga__pdf_data(final->doc, &len);
	if (tamga__pdf_open(&doc, data, c.sig->covered_end, NULL) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		error = tamga__evidence_sig_format_error(c.sig->ev, "the signed revision cannot be read: %s",
		                                         tamga_error_last()->message);
		tamga_error_clear();
		return error;
	}
	if ((error = tamga__pdfv_map_build(&c.s, doc, 0)) < 0)
		goto done;
	c.nmax = final->size > c.s.size ? final->size : c.s.size;
	if ((c.reported = calloc(c.nmax ? c.nmax : 1, 1)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (final->truncated || c.s.truncated)
		if ((error = tamga__evidence_sig_warn(c.sig->ev, "the document is too large to map completely; "
		                                      "changes to objects it could not place are not allowed")) < 0)
			goto done;
	for (num = 1; num < c.nmax; num++) {
		if (!entry_differs(doc, final->doc, num, 0))
			continue;
		if ((error = judge(&c, num)) < 0)
			goto done;
	}
done:
	free(c.reported);
	tamga__pdfv_map_free(&c.s);
	tamga__pdf_close(doc);
	return error;
}
