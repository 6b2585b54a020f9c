# Sourced by contrib/quickstart and contrib/run-tests: installs what is missing with apt-get.
# Build dependencies are Debian 12 package names; nothing is downloaded from elsewhere.
SYSCAGE_BUILD_DEPS="meson ninja-build gcc pkg-config libseccomp-dev libinih-dev libsystemd-dev"
SYSCAGE_TEST_DEPS="libcmocka-dev python3 valgrind systemd"
# systemd: busctl, systemd-analyze and systemd-notify, which tests compare against or drive
# (it does not need to run as init).

syscage_install_deps() {
        local missing=() p
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
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}
