@echo off
chcp 65001 >nul
rem reportgen 离线安装（Windows）：建一个虚拟环境，只从本文件夹安装，不联网。
rem   双击 install.bat：装到 %USERPROFILE%\reportgen-venv；或在命令行中：install.bat 文件夹
rem scripts/offline_wheels.py writes this file into the folder, with the folder's Python version in place of @PYTHON@.
setlocal
set "HERE=%~dp0."
set "VENV=%~1"
if "%VENV%"=="" set "VENV=%USERPROFILE%\reportgen-venv"
set "PY=py -@PYTHON@"
py -@PYTHON@ -c "import sys" >nul 2>nul || set "PY=python"
%PY% -c "import sys; sys.exit(sys.version_info[:2] != (@PYTHON_TUPLE@))" >nul 2>nul
if errorlevel 1 (
    echo 没有找到 Python @PYTHON@：这个安装文件夹是为 Python @PYTHON@ 准备的。请安装 Python @PYTHON@（python.org 的安装包，安装时勾选“Add python.exe to PATH”），
    echo 或在能上网的电脑上用 --python 写这台电脑的 Python 版本，重新准备安装文件夹。
    pause
    exit /b 1
)
if not exist "%VENV%\Scripts\python.exe" (
    echo 在 %VENV% 建立虚拟环境……
    %PY% -m venv "%VENV%"
    if errorlevel 1 (
        echo 无法建立虚拟环境，请重新安装 Python（python.org 的安装包）后再试。
        pause
        exit /b 1
    )
)
echo 从 %HERE% 安装 reportgen（不联网）……
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%" reportgen
if errorlevel 1 (
    echo 安装失败（见上面 pip 的说明）。请确认整个文件夹都拷过来了。
    pause
    exit /b 1
)
echo.
echo reportgen 已安装在虚拟环境 %VENV% 中。以后这样运行：
echo     "%VENV%\Scripts\reportgen.exe" --help
echo 或者先运行 "%VENV%\Scripts\activate.bat"，之后在这个命令行窗口中直接输入 reportgen。
echo.
echo 下面检查这台电脑（reportgen doctor）：
"%VENV%\Scripts\reportgen.exe" doctor
pause
