#!/usr/bin/env bash
# Builds the action's image from action/Dockerfile without a Docker engine and runs the action's
# image tests against it (tests/BuildSign.Action.Tests, category Image): the entry runs inside the
# image with buildah, the workspace mounted at /github/workspace, a SoftHSM2 key and a local
# timestamp server, and the signed files are checked with osslsigncode.
#
#   sudo action/test-image.sh            # as root; needs podman, buildah, debootstrap
#
# Registries (mcr.microsoft.com, Docker Hub) need not be reachable: the base images are made here
# and passed as the Dockerfile's build arguments —
#   localhost/debian-base:bookworm   debootstrap --variant=minbase bookworm, imported with podman
#   localhost/buildsign-sdk:10.0     that base plus this machine's .NET SDK
# Both are kept between runs; delete them with `podman rmi` to make them again.
set -euo pipefail
cd "$(dirname "$0")/.."

base=localhost/debian-base:bookworm
sdk=localhost/buildsign-sdk:10.0
image=${BUILDSIGN_ACTION_IMAGE:-localhost/buildsign-action:test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in podman buildah debootstrap p11-kit; do
  command -v "$tool" >/dev/null || { echo "test-image.sh: $tool is missing (apt-get install -y podman buildah debootstrap p11-kit)" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "test-image.sh: run as root (chroot isolation and debootstrap need it)" >&2; exit 2; }

if ! podman image exists "$base"; then
  echo "==> making $base with debootstrap"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  tar -C "$rootfs" -c . | podman import - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

if ! podman image exists "$sdk"; then
  echo "==> making $sdk from $base and this machine's .NET SDK"
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  ctr=$(buildah from "$base")
  buildah run --isolation=chroot "$ctr" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates libssl3 libstdc++6 libgcc-s1 zlib1g tzdata >/dev/null && rm -rf /var/lib/apt/lists/*'
  buildah copy "$ctr" "$dotnet_root" /usr/share/dotnet >/dev/null
  # The SDK restores packages over HTTPS: trust what this machine trusts (a proxy's root, say).
  buildah copy "$ctr" /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt >/dev/null
  buildah run --isolation=chroot "$ctr" -- ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
  # The SDK image has no ICU; the CLI is built with invariant globalization anyway.
  buildah config --env DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 --env DOTNET_NOLOGO=1 "$ctr"
  buildah commit -q "$ctr" "$sdk" >/dev/null
  buildah rm "$ctr" >/dev/null
fi

echo "==> building $image from action/Dockerfile"
podman build --isolation=chroot --layers \
  --build-arg SDK_IMAGE="$sdk" --build-arg RUNTIME_BASE_IMAGE="$base" \
  -t "$image" -f action/Dockerfile .

echo "==> running the image tests"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
dotnet build tests/BuildSign.Action.Tests -c Release -nodeReuse:false -v quiet -clp:NoSummary
BUILDSIGN_ACTION_IMAGE="$image" dotnet test tests/BuildSign.Action.Tests -c Release --no-build \
  --filter "Category=Image" --logger "console;verbosity=normal"
