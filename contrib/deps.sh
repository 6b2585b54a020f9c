# Sourced by contrib/quickstart and contrib/run-tests: installs what is missing with apt-get.
# Build dependencies are Debian 12 package names; nothing is downloaded from elsewhere.
# lowdown: the man pages, roff from contrib/docs/*.md (debian/control lists the same).
SYSCAGE_BUILD_DEPS="meson ninja-build gcc pkg-config libseccomp-dev libinih-dev libsystemd-dev libjson-c-dev
        lowdown"
# Stock services that tests/integration/test-debian-units.py runs from their vendor unit files.
# Installing them must not start them (see syscage_install_deps).
# The clients that the test talks to them with: redis-tools (with redis-server),
# postgresql-client (with postgresql), bind9-dnsutils (dig), mosquitto-clients. dns-root-data:
# the DNSSEC root key unbound's ExecStartPre= copies (a Recommends, which we do not install).
SYSCAGE_SERVICE_DEPS="memcached redis-server nginx openssh-server chrony haproxy unbound dns-root-data
        rsyslog cron dnsmasq mosquitto mosquitto-clients prometheus-node-exporter postgresql
        bind9-dnsutils"
SYSCAGE_TEST_DEPS="libcmocka-dev python3 valgrind systemd ansible-core crun $SYSCAGE_SERVICE_DEPS
        debhelper dpkg-dev man-db"
# systemd: busctl, systemd-analyze and systemd-notify, which tests compare against or drive
# (it does not need to run as init).
# ansible-core: ansible-playbook, which runs contrib/ansible's role in tests/integration/test-ansible.py.
# crun: the OCI runtime an exported profile is run with (tests/integration/test-oci.py).
# runc, podman: the other OCI runtimes the same exported profile is run with (test-oci.py;
# podman rootful, without network, from a rootfs directory).
SYSCAGE_TEST_DEPS="$SYSCAGE_TEST_DEPS runc podman"
# debhelper, dpkg-dev, man-db: contrib/ci-package.sh builds the Debian package,
# installs it and reads its man pages (the "package" test suite).

syscage_install_deps() {
        local missing=() p r own_policy=
        local policy=/usr/sbin/policy-rc.d
        for p in "$@"; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        if [ "$(id -u)" -ne 0 ]; then
                echo "missing packages: ${missing[*]} (run as root, or install them)" >&2
                return 1
        fi
        echo "installing: ${missing[*]}"
        apt-get update -qq || return 1
        # A service package starts its daemon from its maintainer scripts; invoke-rc.d and
        # deb-systemd-invoke ask policy-rc.d first, and exit status 101 says no. One that is
        # already there (container images have one) stays as it is.
        if [ ! -e "$policy" ]; then
                printf '#!/bin/sh\n# Installed by syscage contrib/deps.sh for one apt-get run.\nexit 101\n' \
                        >"$policy" && chmod 755 "$policy" && own_policy=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        r=$?
        [ -n "$own_policy" ] && rm -f "$policy"
        syscage_stop_package_services "${missing[@]}"
        return $r
}

# Makes sure the packages just installed left nothing running: their systemd units are
# stopped and disabled (when systemd is init), and any process of ours (this mount namespace)
# still running one of their programs gets SIGTERM. They were not installed before, so such
# a process was started by the installation.
syscage_stop_package_services() {
        local files units programs exe pid self_ns
        files=$(dpkg-query -L "$@" 2>/dev/null) || return 0
        # What a process's /proc/PID/exe names: the program with its links resolved
        # (redis-server is a link to redis-check-rdb).
        programs=$(printf '%s\n' "$files" | grep -E '/s?bin/[^/]+$' | xargs -r readlink -f | sort -u)
        units=$(printf '%s\n' "$files" | grep -E '^(/usr)?/lib/systemd/system/[^/]+\.(service|socket)$' |
                sed 's|.*/||' | sort -u)
        if [ -n "$units" ] && [ -d /run/systemd/system ]; then
                # shellcheck disable=SC2086 # one unit name per word
                systemctl stop $units >/dev/null 2>&1
                # shellcheck disable=SC2086
                systemctl disable --quiet $units >/dev/null 2>&1
        fi
        self_ns=$(readlink /proc/self/ns/mnt)
        for pid in /proc/[0-9]*; do
                pid=${pid#/proc/}
                [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$self_ns" ] || continue
                exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
                case "$exe" in */bin/*|*/sbin/*) ;; *) continue ;; esac
                if printf '%s\n' "$programs" | grep -qxF "$exe"; then
                        echo "stopping $exe (pid $pid), started by its package's installation"
                        kill "$pid" 2>/dev/null
                fi
        done
        return 0
}
