# SPDX-License-Identifier: GPL-2.0
#
# sanguard: out-of-tree build and test entry points. Kbuild (next to this
# file) describes the modules; this file only drives the kernel's build.
#
#   make [KDIR=...]      build the modules (default KDIR: the pinned debug
#                        test kernel, built on demand into the cache)
#   make C=2 / W=1       sparse / extra warnings, passed to kbuild
#   make checkpatch      checkpatch --strict on our sources
#   make check           everything: build, sparse, checkpatch, KUnit and
#                        selftests in the VM (debug and base kernels)
#   make check-harness   prove the VM runner catches failures
#   make demo            boot the VM and show the modules at work
#   make kernel          build both pinned test kernels
#   make modules_install install into KDIR's /lib/modules tree

FLAVOUR ?= debug
TOP := $(CURDIR)

# "make -C $(KDIR) M=..." reads Kbuild, not this file. Everything here is for
# the user-facing targets only.
kdir = $(if $(KDIR),$(KDIR),$$($(TOP)/scripts/kernel.sh build $(FLAVOUR)))

.PHONY: all modules modules_install clean kernel checkpatch check \
	check-harness demo help

all: modules

modules:
	@k=$(kdir) && $(TOP)/scripts/build-modules.sh "$$k"

modules_install: modules
	@k=$(kdir) && $(MAKE) -C "$$k" M=$(TOP) modules_install

kernel:
	@$(TOP)/scripts/kernel.sh build debug >/dev/null
	@$(TOP)/scripts/kernel.sh build base >/dev/null

checkpatch:
	@$(TOP)/scripts/checkpatch.sh

check:
	@$(TOP)/scripts/check.sh

check-harness:
	@$(TOP)/scripts/check-harness.sh

demo:
	@$(TOP)/scripts/demo.sh

clean:
	@k=$(if $(KDIR),$(KDIR),$$($(TOP)/scripts/kernel.sh path $(FLAVOUR) 2>/dev/null)); \
	if [ -n "$$k" ]; then $(MAKE) -C "$$k" M=$(TOP) clean; fi
	rm -rf $(TOP)/.build

help:
	@sed -n '3,17p' $(TOP)/Makefile | sed 's/^# \{0,1\}//'
