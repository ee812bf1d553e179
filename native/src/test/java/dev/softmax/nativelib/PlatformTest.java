package dev.softmax.nativelib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {

    @ParameterizedTest
    @CsvSource({
        "Linux, amd64, linux-x86_64, true",
        "Linux, x86_64, linux-x86_64, true",
        "Linux, aarch64, linux-arm64, false",
        "Mac OS X, aarch64, macosx-arm64, false",
        "Mac OS X, x86_64, macosx-x86_64, false",
        "Windows 11, amd64, windows-x86_64, false",
        "FreeBSD, amd64, freebsd-x86_64, false",
        "Linux, riscv64, linux-riscv64, false"
    })
    void classifierFollowsTheDnnlJarsNaming(String osName, String osArch, String classifier, boolean supported) {
        Platform platform = Platform.of(osName, osArch);

        assertThat(platform.classifier()).isEqualTo(classifier);
        assertThat(platform.isSupported()).isEqualTo(supported);
    }

    @Test
    void thisMachineIsTheTestedPlatform() {
        assertThat(Platform.current().classifier()).isEqualTo("linux-x86_64");
    }

    @ParameterizedTest
    @CsvSource({"Mac OS X, aarch64, libdnnl.3.dylib", "Windows 10, amd64, dnnl.dll", "Linux, aarch64, libdnnl.so.3"})
    void otherPlatformsFailWithAClearMessageInsteadOfLoadingTheWrongBinary(
            String os, String arch, String file, @TempDir Path cache) {
        Platform platform = Platform.of(os, arch);

        assertThatThrownBy(() -> DnnlLibrary.search(platform, cache))
                .isInstanceOf(NativeLibraryUnavailableException.class)
                .hasMessageContaining("oneDNN could not be loaded for platform " + platform.classifier())
                .hasMessageContaining(
                        "this build bundles oneDNN only for linux-x86_64, not for " + platform.classifier())
                .hasMessageContaining("system /usr/local/lib/" + file + ": no such file");
    }

    @Test
    void unknownOperatingSystemSaysSo(@TempDir Path cache) {
        Platform platform = Platform.of("Plan 9", "mips");

        assertThatThrownBy(() -> DnnlLibrary.search(platform, cache))
                .isInstanceOf(NativeLibraryUnavailableException.class)
                .hasMessageContaining("no known oneDNN file name for operating system plan_9");
    }
}
