#!/bin/sh
# reportgen 离线安装（Linux：统信、麒麟、Debian、Ubuntu 等）：建一个虚拟环境，只从本文件夹安装，不联网。
#   sh install.sh              装到 ~/reportgen-venv
#   sh install.sh 文件夹        装到指定的文件夹
# Debian、Ubuntu 自带的 python3 不许 pip 直接往系统里装（externally-managed-environment），所以装在虚拟环境中。
# scripts/offline_wheels.py writes this file into the folder, with the folder's Python version in place of @PYTHON@.

here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-"$HOME/reportgen-venv"}
python=${PYTHON:-python3}
wanted="@PYTHON@"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "没有找到 $python：请先安装 Python $wanted（统信、麒麟、Debian、Ubuntu：sudo apt-get install python3 python3-venv）。" >&2
    exit 1
fi
have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$have" != "$wanted" ]; then
    echo "这个安装文件夹是为 Python $wanted 准备的，而这台电脑的 $python 是 Python $have。" >&2
    echo "请在能上网的电脑上用 --python $have 重新准备：python scripts/offline_wheels.py --platform manylinux --python $have -o reportgen-安装文件夹" >&2
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    if [ -e "$venv" ] && [ -n "$(ls -A "$venv" 2>/dev/null)" ]; then
        echo "$venv 已经存在，但不是虚拟环境：请换一个文件夹，如 sh install.sh \"\$HOME/reportgen-环境\"。" >&2
        exit 1
    fi
    echo "在 $venv 建立虚拟环境……"
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "无法建立虚拟环境：这台电脑的 Python 缺少 venv。请运行 sudo apt-get install python3-venv" >&2
        echo "（不能上网时，请管理员从内网软件源或安装光盘安装 python3-venv），然后重新运行 sh install.sh。" >&2
        exit 1
    fi
fi

echo "从 $here 安装 reportgen（不联网）……"
if ! "$venv/bin/python" -m pip install --no-index --find-links "$here" reportgen; then
    echo "安装失败（见上面 pip 的说明）。这个文件夹是为 Python $wanted 准备的；请确认整个文件夹都拷过来了。" >&2
    exit 1
fi

echo
echo "reportgen 已安装在虚拟环境 $venv 中。以后这样运行："
echo "    $venv/bin/reportgen --help"
echo "或者先运行 . \"$venv/bin/activate\"，之后在这个命令行窗口中直接输入 reportgen。"
echo
echo "下面检查这台电脑（reportgen doctor）："
"$venv/bin/reportgen" doctor
