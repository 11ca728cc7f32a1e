/*
 * tamga/tamga.h - everything libtamga offers, in one include.
 */
#ifndef TAMGA_TAMGA_H
#define TAMGA_TAMGA_H

#include "common.h"
#include "cert.h"
#include "ca.h"
#include "trust.h"
#include "signer.h"
#include "sign.h"
#include "format.h"
#include "code.h"
#include "verify.h"
#include "registry.h"
#include "ocsp.h"
#include "tsa.h"

#endif /* TAMGA_TAMGA_H */
