# Sourced by run.sh: signing during the build (BuildSign.MSBuild), measured as `dotnet build` wall time
# with signing enabled against the same build with it disabled, alternating, in the same run.
# Uses WORK, ROOT, REPS, RAW, TSA_URL and buildsign_key from the other parts.

LIBRARIES=20

# Packs BuildSign.MSBuild into a folder feed, copies the example solution next to it, and generates a
# solution of LIBRARIES class libraries, all referencing the package; restores both once.
msbuild_prepare() {
  local dir=$WORK/msbuild i
  echo "==> BuildSign.MSBuild: packing, the example solution and $LIBRARIES generated class libraries"
  rm -rf "$dir" && mkdir -p "$dir/feed"
  dotnet pack "$ROOT/src/BuildSign.MSBuild" -c Release -o "$dir/feed" -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
  MSBUILD_VERSION=$(ls "$dir/feed" | sed -n 's/^BuildSign\.MSBuild\.\(.*\)\.nupkg$/\1/p')
  export NUGET_PACKAGES=$WORK/nuget-packages
  rm -rf "$NUGET_PACKAGES/buildsign.msbuild"
  cp -r "$ROOT/examples" "$dir/examples"
  rm -rf "$dir/examples/out" "$dir/examples"/*/bin "$dir/examples"/*/obj
  sed -i "s|value=\"../artifacts/packages\"|value=\"$dir/feed\"|" "$dir/examples/nuget.config"
  mkdir -p "$dir/libs"
  cp "$dir/examples/nuget.config" "$dir/examples/Directory.Packages.props" "$dir/libs/"
  cat >"$dir/libs/Directory.Build.props" <<PROPS
<Project>
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="BuildSign.MSBuild" Version="$MSBUILD_VERSION" PrivateAssets="all" />
  </ItemGroup>
</Project>
PROPS
  (cd "$dir/libs" && dotnet new sln -n Libs --format sln >/dev/null)
  for ((i = 1; i <= LIBRARIES; i++)); do
    mkdir -p "$dir/libs/Lib$i"
    echo '<Project Sdk="Microsoft.NET.Sdk" />' >"$dir/libs/Lib$i/Lib$i.csproj"
    printf 'namespace Lib%s;\npublic static class Numbers%s\n{\n    public static int Twice(int x) => 2 * x + %s;\n}\n' "$i" "$i" "$i" >"$dir/libs/Lib$i/Numbers.cs"
  done
  (cd "$dir/libs" && dotnet sln Libs.sln add Lib*/Lib*.csproj >/dev/null)
  dotnet restore "$dir/examples/BuildSign.Examples.sln" -p:BuildSignVersion="$MSBUILD_VERSION" >/dev/null
  dotnet restore "$dir/libs/Libs.sln" >/dev/null
  MSBUILD_EXAMPLES=$dir/examples/BuildSign.Examples.sln
  MSBUILD_LIBS=$dir/libs/Libs.sln
}

# dotnet_build with|without ARGS...: one build, signing with the bench token's RSA key or not at all.
dotnet_build() {
  local mode=$1
  shift
  "$BENCH/lib/msbuild-build.sh" "$mode" "$(buildsign_key rsa)" "$TSA_URL" "$@"
}

# (a) A build of the example solution where nothing changed: the stamps must make signing cost ~nothing.
msbuild_no_change() {
  local rep
  echo "==> MSBuild: no-change build of the example solution, signing enabled and disabled"
  dotnet_build with "$MSBUILD_EXAMPLES" -p:BuildSignVersion="$MSBUILD_VERSION" >/dev/null # signs everything once
  for ((rep = 1; rep <= REPS; rep++)); do
    if [ $((rep % 2)) = 1 ]; then
      record msbuild-nochange signing 3 "$rep" "$BENCH/lib/msbuild-build.sh" with "$(buildsign_key rsa)" "$TSA_URL" "$MSBUILD_EXAMPLES" -p:BuildSignVersion="$MSBUILD_VERSION"
      record msbuild-nochange no-signing 3 "$rep" "$BENCH/lib/msbuild-build.sh" without - - "$MSBUILD_EXAMPLES" -p:BuildSignVersion="$MSBUILD_VERSION"
    else
      record msbuild-nochange no-signing 3 "$rep" "$BENCH/lib/msbuild-build.sh" without - - "$MSBUILD_EXAMPLES" -p:BuildSignVersion="$MSBUILD_VERSION"
      record msbuild-nochange signing 3 "$rep" "$BENCH/lib/msbuild-build.sh" with "$(buildsign_key rsa)" "$TSA_URL" "$MSBUILD_EXAMPLES" -p:BuildSignVersion="$MSBUILD_VERSION"
    fi
  done
  local dll=${MSBUILD_EXAMPLES%/*}/HelloSigned/bin/Release/net10.0/win-x64/HelloSigned.dll
  osslsigncode verify -CAfile "$WORK/pki/root.pem" -TSA-CAfile "$WORK/pki/root.pem" -in "$dll" >/dev/null || { echo "$dll is not signed" >&2; exit 1; }
}

# (b) A clean build (--no-incremental: clean, then build) of LIBRARIES class libraries: one signing run per project.
msbuild_clean_build() {
  local rep tool order
  echo "==> MSBuild: clean build of $LIBRARIES class libraries, signing enabled and disabled"
  for ((rep = 1; rep <= REPS; rep++)); do
    order=(signing no-signing)
    [ $((rep % 2)) = 1 ] || order=(no-signing signing)
    for tool in "${order[@]}"; do
      if [ "$tool" = signing ]; then
        record msbuild-clean "$tool" "$LIBRARIES" "$rep" "$BENCH/lib/msbuild-build.sh" with "$(buildsign_key rsa)" "$TSA_URL" "$MSBUILD_LIBS" --no-incremental
        [ "$rep" != 1 ] || osslsigncode verify -CAfile "$WORK/pki/root.pem" -TSA-CAfile "$WORK/pki/root.pem" -in "${MSBUILD_LIBS%/*}/Lib1/bin/Release/net10.0/Lib1.dll" >/dev/null ||
          { echo "Lib1.dll is not signed" >&2; exit 1; }
      else
        record msbuild-clean "$tool" "$LIBRARIES" "$rep" "$BENCH/lib/msbuild-build.sh" without - - "$MSBUILD_LIBS" --no-incremental
      fi
    done
  done
}

# The report's section on signing during the build.
msbuild_report() {
  local with without ratio per
  echo "## Signing during the build (BuildSign.MSBuild)"
  echo
  echo "\`dotnet build -c Release --no-restore\` with signing enabled (\`BuildSignKey\`: the bench token's RSA-3072 key; the"
  echo "loopback timestamp server) against the same build with \`BuildSignKey\` empty, alternating, median of $REPS. The"
  echo "task runs in a .NET task host (TaskHostFactory), one signing run per project and build step."
  echo
  echo "| build | with signing | without | ratio | signing cost | target | met |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  with=$(median msbuild-nochange signing 3); without=$(median msbuild-nochange no-signing 3)
  ratio=$(calc "$with / $without" 2)
  echo "| no-change build of the example solution (3 projects) | $(fmt_s "$with") s | $(fmt_s "$without") s | ${ratio}× | $(calc "$with - $without" 3) s | ≤ 1.1× | $(met "$with <= 1.1 * $without") |"
  with=$(median msbuild-clean signing "$LIBRARIES"); without=$(median msbuild-clean no-signing "$LIBRARIES")
  ratio=$(calc "$with / $without" 2); per=$(calc "1000 * ($with - $without) / $LIBRARIES" 0)
  echo "| clean build of $LIBRARIES class libraries | $(fmt_s "$with") s | $(fmt_s "$without") s | ${ratio}× | $per ms per project | ≤ 1.25× | $(met "$with <= 1.25 * $without") |"
  echo
}
