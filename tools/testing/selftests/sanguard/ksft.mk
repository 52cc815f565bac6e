# SPDX-License-Identifier: GPL-2.0
#
# Included by each sanguard selftest Makefile before lib.mk: finds the
# kernel's kselftest build rules. In a kernel tree, lib.mk is in the
# selftests directory above these folders; out of tree, KSFT_DIR names the
# tools/testing/selftests directory of a 6.12 source tree, by default the
# one scripts/kernel.sh unpacks (its cache).

sanguard_ksft_top := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)

ifeq ($(KSFT_DIR),)
ifneq ($(wildcard $(sanguard_ksft_top)/lib.mk),)
KSFT_DIR := $(sanguard_ksft_top)
else
KSFT_DIR := $(shell $(sanguard_ksft_top)/../../../scripts/kernel.sh src)/tools/testing/selftests
endif
endif

# lib.mk defaults OUTPUT to this directory only when make is not nested
# (MAKELEVEL 0); run from another make ("make check" runs scripts/check.sh,
# which runs make -C here) it would leave OUTPUT empty and build the
# helper programs in "/". The kselftest top-level Makefile passes OUTPUT.
ifeq ($(OUTPUT),)
OUTPUT := $(CURDIR)
endif

ifeq ($(wildcard $(KSFT_DIR)/lib.mk),)
$(error no kselftest lib.mk in "$(KSFT_DIR)": set KSFT_DIR to a 6.12 tools/testing/selftests)
endif
